// Public surface of the queue lane (re-exported from the package root by src/index.ts). It loads
// BullMQ and prom-client only when one of these functions is first called, so an app that never
// enqueues does not pay for them at startup.
import type { Registry } from "prom-client";
import type { EnqueueOptions } from "./enqueue-options.js";
import type { JobHandle } from "./job-handle.js";
import type { QueueStats, TaskRunStats } from "./metrics.js";

export { configureQueue, type QueueSettings } from "./config.js";
export { QueueNotConfiguredError, QueueUnavailableError, JobFailedError, JobTimeoutError, TaskValidationError, type TaskIssue } from "./errors.js";
export type { JobHandle, JobState, ResultOptions } from "./job-handle.js";
export type { EnqueueOptions, Backoff } from "./enqueue-options.js";
export type { ConsumeOptions, MessageHandler, MessageInfo } from "./app-consumers.js";
export type { QueueStats, TaskRunStats } from "./metrics.js";
export type { QueueLane } from "./queue-tasks.js";
export { closeQueueConnectionsIfOpen as closeQueueConnections } from "./shutdown.js";

/**
 * Puts a message on a queue for its consumers (`app.consume(queue, handler)`), on this or any
 * other machine using the same Redis. The message travels as JSON.
 *
 * @throws QueueNotConfiguredError without Redis; QueueUnavailableError when Redis is down.
 * @example
 * await publish("orders", { orderId: 42 }, { attempts: 3 });
 */
export async function publish<R = unknown>(queue: string, message: unknown, options?: EnqueueOptions): Promise<JobHandle<R>> {
  return (await import("./publish.js")).publish<R>(queue, message, options);
}

/**
 * A handle on a job you know the id of (from an earlier `enqueue`, kept in a database or sent to
 * a client): the same `result()`, `state()`, `progress()` as the handle `enqueue` returned.
 *
 * @example
 * const handle = await jobHandle("default", "17");
 * await handle.state(); // "completed"
 */
export async function jobHandle<R = unknown>(queue: string, id: string): Promise<JobHandle<R>> {
  if (typeof queue !== "string" || queue === "" || queue.includes(":")) throw new TypeError("jobHandle(): the queue name must be a non-empty string without ':'");
  if (typeof id !== "string" || id === "" || id.length > 256) throw new TypeError("jobHandle(): the id must be a string of 1 to 256 characters");
  const { JobHandle: Handle } = await import("./job-handle.js");
  return new Handle<R>(id, queue, `job ${id} of queue "${queue}"`);
}

/**
 * Job counts per queue (waiting, active, completed, failed, delayed, prioritized), read from
 * Redis: the queues of this process's tasks and consumers, or the ones named.
 *
 * @example
 * for (const q of await queueStats()) console.log(q.queue, q.waiting, q.failed);
 */
export async function queueStats(queues?: readonly string[]): Promise<QueueStats[]> {
  return (await import("./metrics.js")).queueStats(queues);
}

/**
 * Per-task run counts and latency measured by this process's consumers (a `loopwise worker`, or
 * an app's `consume` handlers).
 *
 * @example
 * const [resize] = await taskRunStats(); // { task: "resize", completed: 10, failed: 0, meanMs: 41, maxMs: 90, ... }
 */
export async function taskRunStats(): Promise<TaskRunStats[]> {
  return (await import("./metrics.js")).taskRunStats();
}

/**
 * The queue lane's prom-client registry (`loopwise_task_duration_seconds`,
 * `loopwise_queue_jobs`), to merge into a `/metrics` endpoint.
 *
 * @example
 * const text = await Registry.merge([register, await queueMetricsRegistry()]).metrics();
 */
export async function queueMetricsRegistry(): Promise<Registry> {
  return (await import("./metrics.js")).queueMetricsRegistry;
}

/**
 * Reports the progress of the running job (loop-lane tasks and `app.consume` handlers);
 * `handle.progress()` reads it.
 *
 * @example
 * await reportProgress(50);
 */
export async function reportProgress(progress: number | object): Promise<void> {
  return (await import("./job-context.js")).reportProgress(progress);
}
