/**
 * A blocking HTTP client, like Python's `requests`: the calling thread waits for the answer and
 * runs nothing else meanwhile. It runs curl (or, without curl, a Node process doing the fetch)
 * and waits for it synchronously.
 */
import { execFileSync, spawnSync } from "node:child_process";

const hasCurl = spawnSync("curl", ["--version"], { stdio: "ignore" }).status === 0;

const FETCH_SCRIPT = "fetch(process.argv[1]).then((r) => r.text()).then((t) => process.stdout.write(t), (e) => { console.error(e.message); process.exit(1); })";

/** GETs `url` and returns the parsed JSON body, blocking the calling thread until it arrives. */
export function blockingGetJson(url: string): unknown {
  const output = hasCurl
    ? execFileSync("curl", ["--silent", "--show-error", "--fail", "--max-time", "60", url], { encoding: "utf8" })
    : execFileSync(process.execPath, ["-e", FETCH_SCRIPT, url], { encoding: "utf8" });
  return JSON.parse(output);
}
