import type { ThreadPool } from "./thread-pool.js";
import { callOnThread, registerThreadFunction, type ThreadFunction } from "./thread-function.js";
import type { Schema } from "../schema/types.js";
import { defaultLane, registerQueueTask, type QueueLane } from "../queue/queue-tasks.js";
import type { EnqueueOptions } from "../queue/enqueue-options.js";
import type { JobHandle } from "../queue/job-handle.js";

/** Options of {@link task}. */
export interface TaskOptions {
  /** The pool it runs on (default: the process-wide pool, see `defaultThreadPool()`). */
  pool?: ThreadPool;
  /** Milliseconds a run may take, waiting included (default: the pool's). */
  timeout?: number;
  /** `import.meta.url` of a module that creates this task when imported (default: the caller's module). */
  module?: string;
  /** Queue lane: Standard Schema of the argument list (e.g. `z.tuple([...])`), checked at enqueue and in the worker. */
  payload?: Schema;
  /** Queue lane: Standard Schema of the return value, checked in the worker (a mismatch fails the attempt). */
  result?: Schema;
  /** Queue lane: the BullMQ queue its jobs go to (default "default"). */
  queue?: string;
  /** Queue lane: where a worker runs it (default: "loop" for async functions, "thread" otherwise). */
  lane?: QueueLane;
}

/**
 * A function that runs on the thread lane. Made with {@link task} at the top level of a module.
 *
 * @example
 * export const resize = task(function resize(image: Uint8Array, width: number) { ... });
 * const small = await resize.run(upload, 200);
 * req.background(resize, upload, 200); // after the response is sent
 */
export class Task<A extends unknown[], R> {
  readonly #ref: ThreadFunction<A, R>;
  readonly #options: TaskOptions;

  /** @internal Use {@link task}. */
  constructor(ref: ThreadFunction<A, R>, options: TaskOptions) {
    this.#ref = ref;
    this.#options = options;
  }

  /** `task resize`: how logs and errors name it. */
  get name(): string {
    return this.#ref.name;
  }

  /** The function itself (runs on the calling thread if you call it directly). */
  get fn(): (...args: A) => R {
    return this.#ref.fn;
  }

  /**
   * Runs the function on a pool thread and resolves with its result. Arguments and result are
   * copied between threads (plain data: objects, arrays, typed arrays, Map, Set, Date...). On a
   * pool thread already (a thread-lane handler), it runs right there.
   *
   * @throws ThreadPoolBusyError (503) when the queue is full, ThreadTimeoutError (504) past the
   * timeout, ThreadCrashError when its thread died, or the function's own error.
   */
  run(...args: A): Promise<Awaited<R>> {
    return callOnThread(this.#ref, args, this.#options);
  }

  /**
   * Puts a run on the queue lane: a `loopwise worker` process (on any machine that reaches the
   * same Redis) runs it. Arguments travel as JSON. Needs `REDIS_URL` (or `queue.redisUrl`).
   *
   * @throws QueueNotConfiguredError without Redis, QueueUnavailableError when Redis is down,
   * TaskValidationError when the arguments do not match the `payload` schema.
   * @example
   * const handle = await report.enqueue([2024], { attempts: 3, backoff: { type: "exponential", delay: 1000 } });
   * const pdf = await handle.result({ timeout: 60_000 });
   */
  async enqueue(args: A, options?: EnqueueOptions): Promise<JobHandle<Awaited<R>>> {
    // Loaded on first use: apps that never enqueue do not load BullMQ.
    const { enqueueTask } = await import("../queue/enqueue.js");
    return enqueueTask<Awaited<R>>(this, args, options);
  }
}

/**
 * Declares a function for the thread lane: blocking or CPU-heavy work that must not run on the
 * event loop. Call it at the top level of a module; each pool thread imports that module and so
 * finds the same function (give it a name: `task(function resize() {...})`, for logs).
 * Module-level state is per thread: do not count on a variable changed by one run being seen by
 * the next.
 *
 * @example
 * import { createHash } from "node:crypto";
 * import { task } from "loopwise";
 *
 * export const digest = task(function digest(data: Uint8Array, rounds: number) {
 *   let out = data;
 *   for (let i = 0; i < rounds; i++) out = createHash("sha256").update(out).digest();
 *   return Buffer.from(out).toString("hex");
 * });
 * app.post("/digest", async ({ req }) => ({ hex: await digest.run(await req.bytes(), 100_000) }));
 */
export function task<A extends unknown[], R>(fn: (...args: A) => R, options: TaskOptions = {}): Task<A, R> {
  const ref = registerThreadFunction("task", fn, { module: options.module });
  const made = new Task(ref, options);
  registerQueueTask(made, {
    name: fn.name,
    queue: options.queue ?? "default",
    lane: options.lane ?? defaultLane(fn as (...args: never[]) => unknown),
    module: ref.module,
    payload: options.payload,
    result: options.result,
    runOnThread: (args) => made.run(...(args as A)),
    fn: fn as (...args: never[]) => unknown,
  });
  return made;
}
