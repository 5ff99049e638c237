import type { JobsOptions } from "bullmq";

/** How a failed attempt waits before the next one. */
export type Backoff = number | { type: "fixed" | "exponential"; delay: number };

/** Options of `task.enqueue()`. */
export interface EnqueueOptions {
  /** Milliseconds before the job may run. */
  delay?: number;
  /** Runs allowed, the first included (default 1: no retry). */
  attempts?: number;
  /** Wait between attempts: milliseconds (fixed), or `{ type: "exponential", delay }` (delay, 2×delay, 4×delay...). */
  backoff?: Backoff;
  /** 1 (first) to 2 097 152; jobs without a priority go before prioritized ones, as in BullMQ. */
  priority?: number;
  /** Your id for the job: enqueueing the same id again returns the existing job (idempotent enqueue). */
  jobId?: string;
}

const MAX_DELAY_MS = 365 * 24 * 3600 * 1000;
const MAX_ATTEMPTS = 1000;
const MAX_PRIORITY = 2_097_152;

function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`enqueue(): ${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

/**
 * Checks enqueue options (they may come from a request) and turns them into BullMQ's. Completed
 * jobs are kept a day (so `result()` can still read them), failed jobs are kept with their error.
 *
 * @example
 * toJobOptions({ attempts: 3, backoff: { type: "exponential", delay: 1000 } });
 */
export function toJobOptions(options: EnqueueOptions): JobsOptions {
  if (typeof options !== "object" || options === null) throw new TypeError("enqueue(): options must be an object");
  const known = new Set(["delay", "attempts", "backoff", "priority", "jobId"]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new TypeError(`enqueue(): unknown option ${JSON.stringify(key)} (known: ${[...known].join(", ")})`);
  }
  const job: JobsOptions = { removeOnComplete: { age: 24 * 3600, count: 10_000 }, removeOnFail: false };
  if (options.delay !== undefined) job.delay = wholeNumber(options.delay, "delay", 0, MAX_DELAY_MS);
  if (options.attempts !== undefined) job.attempts = wholeNumber(options.attempts, "attempts", 1, MAX_ATTEMPTS);
  if (options.priority !== undefined) job.priority = wholeNumber(options.priority, "priority", 1, MAX_PRIORITY);
  if (options.backoff !== undefined) {
    const backoff = options.backoff;
    if (typeof backoff === "number") job.backoff = { type: "fixed", delay: wholeNumber(backoff, "backoff", 0, MAX_DELAY_MS) };
    else if (typeof backoff === "object" && backoff !== null && (backoff.type === "fixed" || backoff.type === "exponential")) {
      job.backoff = { type: backoff.type, delay: wholeNumber(backoff.delay, "backoff.delay", 0, MAX_DELAY_MS) };
    } else {
      throw new TypeError('enqueue(): backoff must be milliseconds or { type: "fixed" | "exponential", delay }');
    }
  }
  if (options.jobId !== undefined) {
    const id = options.jobId;
    // BullMQ's own ids are integers and ":" separates key parts: a custom id may be neither.
    if (typeof id !== "string" || id.length === 0 || id.length > 256 || /^\d+$/.test(id) || id.includes(":")) {
      throw new TypeError("enqueue(): jobId must be a string of 1 to 256 characters, not all digits, without ':'");
    }
    job.jobId = id;
  }
  return job;
}
