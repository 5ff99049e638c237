import { Job } from "bullmq";
import { queueConnections } from "./connections.js";
import { JobFailedError, JobTimeoutError } from "./errors.js";
import { performance } from "node:perf_hooks";

/** Where a job is: BullMQ's states, as `handle.state()` reports them. */
export type JobState = "waiting" | "delayed" | "prioritized" | "active" | "completed" | "failed" | "waiting-children" | "unknown";

/** Options of {@link JobHandle.result}. */
export interface ResultOptions {
  /** Milliseconds to wait before {@link JobTimeoutError} (default: wait as long as it takes). */
  timeout?: number;
}

/**
 * A job on the queue lane, as `task.enqueue()` returns it.
 *
 * @example
 * const handle = await report.enqueue([2024], { attempts: 3 });
 * handle.id;                                  // "17"
 * await handle.state();                       // "waiting"
 * const pdf = await handle.result({ timeout: 60_000 });
 */
export class JobHandle<R> {
  readonly #id: string;
  readonly #what: string;
  readonly #queue: string;

  /** @internal Made by `enqueue`, `publish` and `jobHandle`. */
  constructor(id: string, queue: string, what: string) {
    this.#id = id;
    this.#queue = queue;
    this.#what = what;
  }

  /** The job id (yours when you passed `jobId`). */
  get id(): string {
    return this.#id;
  }

  /** The job read back through the connection that waits out Redis outages. */
  async #fresh(): Promise<Job> {
    const job = await Job.fromId(queueConnections().reader(this.#queue, this.#what), this.#id);
    if (!job) throw new JobFailedError(this.#what, this.#id, "the job no longer exists in Redis (removed, or Redis lost its data)");
    return job;
  }

  /** The queue it is on. */
  get queue(): string {
    return this.#queue;
  }

  /**
   * Resolves with the task's return value once a worker has run it (retries included), or
   * rejects with {@link JobFailedError} when its last attempt failed, or {@link JobTimeoutError}.
   * Safe to call after the job finished: the result is read back from Redis.
   */
  async result(options: ResultOptions = {}): Promise<R> {
    const { timeout } = options;
    if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
      throw new RangeError(`result(): timeout must be a positive number of milliseconds, got ${String(timeout)}`);
    }
    const events = queueConnections().events(this.#queue, this.#what);
    const deadline = timeout === undefined ? undefined : performance.now() + timeout;
    let timer: NodeJS.Timeout | undefined;
    // Reading the job waits for Redis when it is down: the timeout covers that wait too.
    const expired = new Promise<never>((_, reject) => {
      if (timeout !== undefined) timer = setTimeout(() => reject(new JobTimeoutError(this.#what, this.#id, timeout)), timeout);
    });
    let job: Job;
    try {
      job = await Promise.race([this.#fresh(), expired]);
    } finally {
      clearTimeout(timer);
    }
    const remaining = deadline === undefined ? undefined : Math.max(1, Math.round(deadline - performance.now()));
    try {
      return (await job.waitUntilFinished(events, remaining)) as R;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (timeout !== undefined && /timed out before finishing/.test(message)) throw new JobTimeoutError(this.#what, this.id, timeout);
      throw new JobFailedError(this.#what, this.id, message);
    }
  }

  /** Where the job is now. */
  async state(): Promise<JobState> {
    return (await queueConnections().reader(this.#queue, this.#what).getJobState(this.#id)) as JobState;
  }

  /** The latest progress the task reported (0 until it reports any). */
  async progress(): Promise<number | object | string | boolean> {
    return (await this.#fresh()).progress as number | object | string | boolean;
  }

  /** How many times it has run so far, failed attempts included. */
  async attemptsMade(): Promise<number> {
    return (await this.#fresh()).attemptsMade;
  }
}
