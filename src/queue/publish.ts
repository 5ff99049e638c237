import { queueConnections } from "./connections.js";
import { toJobOptions, type EnqueueOptions } from "./enqueue-options.js";
import { JobHandle } from "./job-handle.js";

/** Job name of messages published with {@link publish}. */
export const MESSAGE_JOB = "message";

/**
 * Puts a message on a queue for its consumers (`app.consume(queue, handler)`), on this or any
 * other machine using the same Redis. The message travels as JSON.
 *
 * @throws QueueNotConfiguredError without Redis; QueueUnavailableError when Redis is down.
 * @example
 * await publish("orders", { orderId: 42 });
 */
export async function publish<R = unknown>(queue: string, message: unknown, options: EnqueueOptions = {}): Promise<JobHandle<R>> {
  if (typeof queue !== "string" || queue === "" || queue.includes(":")) throw new TypeError("publish(): the queue name must be a non-empty string without ':'");
  const what = `A message to queue "${queue}"`;
  const jobOptions = toJobOptions(options);
  const job = await queueConnections().onQueue(queue, what, (target) => target.add(MESSAGE_JOB, message, jobOptions));
  return new JobHandle<R>(job.id!, queue, what);
}
