import { AsyncLocalStorage } from "node:async_hooks";
import type { Job } from "bullmq";
import { requestContext, nextRequestId, type RequestContext } from "../watch/request-context.js";
import { markRequest } from "../watch/main-lane.js";
import { recordTaskRun } from "./metrics.js";
import { performance } from "node:perf_hooks";

const currentJob = new AsyncLocalStorage<Job>();

/**
 * Runs one job's code the way a request's handler runs: inside a request context whose route is
 * `task:<name>`, so the watchdog names the task when it blocks the loop, and timed for the
 * per-task latency metrics.
 *
 * @example
 * await runInJobContext("resize", "default", job, () => resize.run(...job.data.args));
 */
export async function runInJobContext<T>(name: string, queue: string, job: Job, fn: () => Promise<T> | T): Promise<T> {
  const ctx: RequestContext = {
    id: nextRequestId(),
    method: "JOB",
    url: `${queue}/${job.id ?? "?"}`,
    route: `task:${name}`,
    startedAt: performance.now(),
    profile: undefined,
  };
  let ok = false;
  try {
    const value = await requestContext.run(ctx, () =>
      currentJob.run(job, () => {
        markRequest(ctx);
        return fn();
      }),
    );
    ok = true;
    return value;
  } finally {
    recordTaskRun(name, queue, performance.now() - ctx.startedAt, ok);
  }
}

/**
 * Reports the progress of the job whose code is running (loop-lane tasks and `app.consume`
 * handlers): `handle.progress()` reads it.
 *
 * @throws Error outside a job's code (or on a pool thread, where the job is not reachable).
 * @example
 * export const crawl = task(async function crawl(urls: string[]) {
 *   for (const [i, url] of urls.entries()) { await fetch(url); await reportProgress(Math.round((100 * (i + 1)) / urls.length)); }
 * });
 */
export async function reportProgress(progress: number | object): Promise<void> {
  const job = currentJob.getStore();
  if (!job) throw new Error("reportProgress() is for code running as a queued job on the loop lane");
  await job.updateProgress(progress);
}
