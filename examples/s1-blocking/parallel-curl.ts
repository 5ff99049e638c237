/**
 * SCENARIOS S1 / S7, the original experiment: start the S1 app with `loopwise serve`, fire six
 * requests at once with `curl --parallel --parallel-immediate --parallel-max 6`, and print the
 * order in which the *server* started and ended them (its access log), with the time each
 * request took as curl saw it.
 *
 * Run: `node --conditions=loopwise-source --import tsx examples/s1-blocking/parallel-curl.ts`
 * (S1_SECONDS=1 for a quicker run). Without curl on the PATH, the requests are sent with fetch.
 */
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { fireTogether } from "./experiment.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const seconds = process.env["S1_SECONDS"] ?? "2";

/** One start or end line of the server's access log. */
interface LogEvent {
  time: number;
  event: "start" | "end";
  reqId: number;
  method: string;
  url: string;
  ms?: number;
}

const events: LogEvent[] = [];
// With this script's own Node flags: run from source, the CLI runs from source too.
const server = spawn(process.execPath, [...process.execArgv, path.join(root, "bin/loopwise.js"), "serve", path.join(here, "app.ts"), "--port", "0"], {
  cwd: root,
  env: { ...process.env, S1_SECONDS: seconds, LOG_LEVEL: "info", WEB_CONCURRENCY: "1" },
  stdio: ["ignore", "pipe", "inherit"],
});
process.on("exit", () => server.kill("SIGTERM"));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

const base = await new Promise<string>((resolve, reject) => {
  server.once("exit", (code) => reject(new Error(`the S1 server exited with code ${code}`)));
  createInterface({ input: server.stdout! }).on("line", (line) => {
    let entry: Partial<LogEvent> & { msg?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    const serving = /serving .* on (http:\/\/\S+)/.exec(entry.msg ?? "");
    if (serving) resolve(serving[1]!);
    if (entry.event === "start" || entry.event === "end") events.push(entry as LogEvent);
  });
});

const hasCurl = spawnSync("curl", ["--version"], { stdio: "ignore" }).status === 0;

/** Fires `paths` at once; resolves with curl's (or fetch's) total time per request, in seconds. */
async function fire(paths: string[]): Promise<{ path: string; seconds: number }[]> {
  const urls = paths.map((p) => base + p);
  if (!hasCurl) {
    const timings = await fireTogether(base, paths);
    return timings.map((t) => ({ path: t.path, seconds: (t.endedMs - t.startedMs) / 1000 }));
  }
  const args = ["--silent", "--show-error", "--no-progress-meter", "--parallel", "--parallel-immediate", "--parallel-max", "6"];
  for (const url of urls) args.push("--output", "/dev/null", "--write-out", "%{url_effective} %{time_total}\\n", url);
  const curl = spawn("curl", args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  curl.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  await new Promise((resolve) => curl.once("exit", resolve));
  return out
    .trim()
    .split("\n")
    .map((line) => {
      const [url = "", total = "0"] = line.split(" ");
      return { path: url.slice(base.length), seconds: Number(total) };
    });
}

/** Waits until the server logged the end of every request sent so far. */
async function settled(count: number): Promise<void> {
  while (events.filter((e) => e.event === "end").length < count) await new Promise((r) => setTimeout(r, 20));
}

async function experiment(title: string, paths: string[], sentBefore: number): Promise<void> {
  const from = events.length;
  const client = await fire(paths);
  await settled(sentBefore + paths.length);
  const run = events.slice(from);
  const t0 = run[0]?.time ?? 0;
  console.log(`\n${title}`);
  console.log(`  ${hasCurl ? "curl --parallel --parallel-immediate --parallel-max 6" : "fetch, all at once (curl not found)"} ${paths.join(" ")}`);
  console.log("  the server's log, in order:");
  for (const e of run) {
    const detail = e.event === "end" ? `  ${e.ms} ms` : "";
    console.log(`    ${((e.time - t0) / 1000).toFixed(3)} s  ${e.event.padEnd(5)}  ${e.method} ${e.url.padEnd(12)} req ${e.reqId}${detail}`);
  }
  let running = 0;
  let most = 0;
  for (const e of run) {
    running += e.event === "start" ? 1 : -1;
    most = Math.max(most, running);
  }
  const health = client.find((c) => c.path === "/healthcheck");
  console.log(`  → at most ${most} of ${paths.length} requests were being served at once`);
  if (paths.includes("/slow")) {
    // A request that starts while a /slow runs would prove the loop was free: there are none.
    const slowRunning = new Set<number>();
    let startedDuringSlow = 0;
    for (const e of run) {
      if (e.url === "/slow") {
        if (e.event === "start") slowRunning.add(e.reqId);
        else slowRunning.delete(e.reqId);
      } else if (e.event === "start" && slowRunning.size > 0) startedDuringSlow++;
    }
    console.log(`  → requests the server started while a /slow was running: ${startedDuringSlow}`);
  }
  if (health) console.log(`  → /healthcheck, which does nothing, took ${health.seconds.toFixed(2)} s as the client saw it`);
}

console.log(`S1 through the CLI: loopwise serve examples/s1-blocking/app.ts on ${base}; each route waits ${seconds} s`);
await experiment("1) only non-blocking awaits: everything overlaps", ["/", "/", "/", "/", "/", "/healthcheck"], 0);
await experiment("2) an async handler that blocks (/slow ×2): nothing else starts while it runs", ["/slow", "/slow", "/", "/", "/", "/healthcheck"], 6);
process.exit(0);
