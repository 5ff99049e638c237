/**
 * SCENARIOS S4: CPU-bound work. `POST /digest` hashes the uploaded bytes ROUNDS times
 * (S4_ROUNDS, default 300000: about a second of CPU) — pure computation, like resizing an image.
 *
 * - `POST /digest`        awaits `hashChain.run(...)`: a task, run on a pool thread. Worker
 *                         threads run on all cores in parallel (unlike Python threads), so two
 *                         requests take about as long as one on a 2-core machine.
 * - `POST /digest-inline` computes it inside the async handler: the event loop is blocked, and
 *                         everything else waits.
 * - `POST /digest-thread` the whole handler on the thread lane (the body is parsed there too).
 * - `GET /healthcheck`    does nothing.
 *
 * Run: `node --import tsx examples/s4-cpu/demo.ts` (times one request vs two at once).
 */
import { createHash } from "node:crypto";
import { threadId } from "node:worker_threads";
import { App, ThreadPool, task } from "loopwise";

const rounds = Number(process.env["S4_ROUNDS"] ?? 300_000);

/** Where and when a digest was computed (epoch ms, comparable across threads). */
export interface DigestResult {
  hex: string;
  threadId: number;
  startedAt: number;
  endedAt: number;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

/** SHA-256 applied `rounds` times: CPU-bound, no I/O. */
export function digestChain(data: Uint8Array, times: number): DigestResult {
  const startedAt = now();
  let value: Uint8Array = data;
  for (let i = 0; i < times; i++) value = createHash("sha256").update(value).digest();
  return { hex: Buffer.from(value).toString("hex"), threadId, startedAt, endedAt: now() };
}

/** Two threads, both started with the app: a request never waits for one to boot. */
const pool = new ThreadPool({ size: 2 });

/** The same function as a task: `hashChain.run(...)` runs it on a pool thread. */
export const hashChain = task(
  function hashChain(data: Uint8Array, times: number) {
    return digestChain(data, times);
  },
  { pool },
);

export const app = new App({ title: "S4: CPU-bound work on worker threads", pool, logger: { level: process.env["LOG_LEVEL"] ?? "info" } });

app.post("/digest", { bodyLimit: 16 * 1024 * 1024 }, async ({ req }) => hashChain.run(await req.bytes(16 * 1024 * 1024), rounds));

app.post("/digest-inline", { bodyLimit: 16 * 1024 * 1024 }, async ({ req }) => digestChain(await req.bytes(16 * 1024 * 1024), rounds));

app.post("/digest-thread", { lane: "thread", bodyLimit: 16 * 1024 * 1024 }, async ({ req }) => digestChain(await req.bytes(16 * 1024 * 1024), rounds));

app.get("/healthcheck", () => ({ status: "ok" }));

if (import.meta.main) {
  await app.listen({ port: Number(process.env["PORT"] ?? 8000), host: process.env["HOST"] ?? "127.0.0.1" });
}
