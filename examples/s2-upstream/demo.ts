/**
 * The S2 demo: starts a fake upstream (UPSTREAM_DELAY_MS, default 1000) and the app, then for
 * each variant fires two requests and a /healthcheck at once and prints what happened.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fireTogether, renderTimeline } from "../s1-blocking/experiment.js";
import { startFakeUpstream } from "./upstream.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const delayMs = Number(process.env["UPSTREAM_DELAY_MS"] ?? 1000);
const port = process.env["PORT"] ?? "8000";
const upstream = await startFakeUpstream({ delayMs });

const server = spawn(process.execPath, [...process.execArgv, path.join(here, "app.ts")], {
  env: { ...process.env, UPSTREAM_URL: upstream.url, PORT: port, LOG_LEVEL: "warn" },
  stdio: ["ignore", "inherit", "inherit"],
});
process.on("exit", () => server.kill("SIGTERM"));

const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    await fetch(`${base}/healthcheck`);
    break;
  } catch {
    if (i > 100) throw new Error(`the S2 app did not start on ${base}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

console.log(`\nS2: each request calls an upstream twice in a row; each call takes ${delayMs} ms.  ░ queued  █ being processed\n`);
for (const [title, route] of [
  ["1) a blocking client in an async handler: the second request waits for the first, /healthcheck too", "/blocking"],
  ['2) the same blocking client with lane: "thread": both requests run at once', "/blocking-thread"],
  ["3) fetch (non-blocking) on the loop lane: both requests run at once", "/fetch"],
] as const) {
  console.log(title);
  console.log(renderTimeline(await fireTogether(base, [route, route, "/healthcheck"])) + "\n");
}
await upstream.close();
process.exit(0);
