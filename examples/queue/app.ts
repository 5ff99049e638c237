/**
 * The queue lane: work that outlives the request, run by `loopwise worker` processes on any
 * machine that reaches the same Redis (SCENARIOS S4's "task queue that can leave the machine").
 *
 * - `POST /reports`         enqueues a CPU-heavy report and answers 202 with the job id at once.
 * - `GET /reports/{id}`     says where the job is, and its result once it is done.
 * - `POST /reports/sync`    the same work on this machine's thread lane (`.run()`), for contrast.
 *
 * Run it (Redis on 127.0.0.1:6379):
 *   REDIS_URL=redis://127.0.0.1:6379 loopwise serve examples/queue/app.ts
 *   REDIS_URL=redis://127.0.0.1:6379 loopwise worker examples/queue/app.ts   # as many as you like, anywhere
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { App, HTTPException, jobHandle, task } from "loopwise";

export const app = new App({ title: "Reports on the queue lane", logger: { level: process.env["LOG_LEVEL"] ?? "info" } });

const ReportSpec = z.object({
  year: z.number().int().min(1900).max(2100),
  rounds: z.number().int().min(1).max(2_000_000),
});
type ReportSpec = z.infer<typeof ReportSpec>;

/** CPU-bound and synchronous: a worker runs it on its thread lane. Found by its name, `buildReport`. */
export const buildReport = task(
  function buildReport(spec: ReportSpec) {
    let digest = Buffer.from(`report-${spec.year}`);
    for (let i = 0; i < spec.rounds; i++) digest = createHash("sha256").update(digest).digest();
    return { year: spec.year, rounds: spec.rounds, checksum: digest.toString("hex") };
  },
  { payload: z.tuple([ReportSpec]), result: z.object({ year: z.number(), rounds: z.number(), checksum: z.string().length(64) }) },
);

app.post("/reports", { body: ReportSpec, status: 202 }, async ({ body }) => {
  const handle = await buildReport.enqueue([body], { attempts: 3, backoff: { type: "exponential", delay: 1000 } });
  return { id: handle.id, status: `/reports/${handle.id}` };
});

app.get("/reports/{id}", { path: { id: z.string().regex(/^\d{1,20}$/) } }, async ({ path }) => {
  const handle = await jobHandle<ReturnType<typeof buildReport.fn>>("default", path.id);
  const state = await handle.state();
  if (state === "unknown") throw new HTTPException(404, "No such report");
  if (state !== "completed") return { id: path.id, state };
  return { id: path.id, state, report: await handle.result({ timeout: 5000 }) };
});

app.post("/reports/sync", { body: ReportSpec }, async ({ body }) => buildReport.run(body));

if (import.meta.main) {
  await app.listen({ port: Number(process.env["PORT"] ?? 8000), host: process.env["HOST"] ?? "127.0.0.1" });
}
