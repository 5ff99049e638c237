/**
 * `npm start`: runs the S1 server, fires the six-request experiment at it, prints what happened,
 * and keeps the server running for you to try with curl.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startDemoApp } from "../shared/start-demo-app.js";
import { fireTogether, renderTimeline } from "./experiment.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const seconds = process.env["S1_SECONDS"] ?? "2";
const port = process.env["PORT"] ?? "8000";

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
const { base } = await startDemoApp(path.join(here, "app.ts"), port, { S1_SECONDS: seconds });

console.log(`\nS1: six requests at once, each route waits ${seconds} s.  ░ queued  █ being processed\n`);
console.log("1) only non-blocking awaits (/ ×5 and /healthcheck): all are served at once");
console.log(renderTimeline(await fireTogether(base, ["/", "/", "/", "/", "/", "/healthcheck"])));
console.log("\n2) one async handler that blocks (/slow ×2, then / ×3 and /healthcheck): served one after another");
console.log(renderTimeline(await fireTogether(base, ["/slow", "/slow", "/", "/", "/", "/healthcheck"])));
console.log('\n3) the same blocking handler with lane: "thread" (/slow-thread ×2, then / ×3 and /healthcheck): served at once again');
console.log(renderTimeline(await fireTogether(base, ["/slow-thread", "/slow-thread", "/", "/", "/", "/healthcheck"])));
console.log(`\nThe server is still running on ${base} — try:`);
console.log(`  curl --parallel --parallel-immediate --parallel-max 6 ${base}/slow ${base}/slow ${base}/ ${base}/ ${base}/ ${base}/healthcheck`);
console.log(`  curl --parallel --parallel-immediate --parallel-max 6 ${base}/slow-thread ${base}/slow-thread ${base}/ ${base}/ ${base}/ ${base}/healthcheck`);
console.log("Ctrl-C to stop.\n");
