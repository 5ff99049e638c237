/**
 * The S2 demo: starts a fake upstream (UPSTREAM_DELAY_MS, default 1000) and the app, then for
 * each variant fires two requests and a /healthcheck at once and prints what happened.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startDemoApp } from "../shared/start-demo-app.js";
import { fireTogether, renderTimeline } from "../s1-blocking/experiment.js";
import { startFakeUpstream } from "./upstream.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const delayMs = Number(process.env["UPSTREAM_DELAY_MS"] ?? 1000);
const port = process.env["PORT"] ?? "8000";
const upstream = await startFakeUpstream({ delayMs });

const { base } = await startDemoApp(path.join(here, "app.ts"), port, { UPSTREAM_URL: upstream.url });

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
