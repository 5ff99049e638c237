/**
 * SCENARIOS S1: a blocking call inside an async handler stalls the whole server.
 *
 * - `GET /`            awaits a non-blocking sleep: many can run at once.
 * - `GET /slow`        is async but blocks the thread (like `time.sleep` in an `async def`):
 *                      while it runs, nothing else in the process is served.
 * - `GET /healthcheck` does nothing, and still waits behind `/slow`.
 * - `GET /slow-thread` is the same blocking code declared for the thread lane (FastAPI: a plain
 *                      `def`): it blocks a pool thread, and `/` and `/healthcheck` are served at once.
 *
 * Run: `npm start` (the demo), or `node --import tsx examples/s1-blocking/app.ts` for the server alone.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { App, accessLog, processTime } from "loopwise";
import { blockingSleep } from "./blocking-sleep.js";

const seconds = Number(process.env["S1_SECONDS"] ?? "4");

export const app = new App({ title: "S1: one blocking call stalls the server", logger: { level: process.env["LOG_LEVEL"] ?? "info" } });
app.use(processTime());
app.use(accessLog(app.logger));

app.get("/", async () => {
  await sleep(seconds * 1000);
  return { message: `waited ${seconds} s without blocking` };
});

app.get("/slow", async () => {
  blockingSleep(seconds * 1000);
  return { message: `blocked the event loop for ${seconds} s` };
});

app.get("/healthcheck", () => ({ status: "ok" }));

// The same blocking call on the thread lane: a pool thread waits, the event loop keeps serving.
app.get("/slow-thread", { lane: "thread" }, () => {
  blockingSleep(seconds * 1000);
  return { message: `blocked a pool thread for ${seconds} s; the event loop kept serving` };
});

if (import.meta.main) {
  await app.listen({ port: Number(process.env["PORT"] ?? 8000), host: process.env["HOST"] ?? "127.0.0.1" });
}
