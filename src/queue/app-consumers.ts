import type { Logger } from "../logging.js";
import { callOnThread, registerThreadFunction, type ThreadFunction } from "../lanes/thread-function.js";
import type { ThreadPool } from "../lanes/thread-pool.js";
import { isThreadLaneWorker } from "../lanes/worker-context.js";
import { redisClientOptions } from "./config.js";
import { QueueNotConfiguredError } from "./errors.js";
import { queueTasks } from "./queue-tasks.js";
import type { QueueConsumer } from "./consumer.js";

/** What a message handler learns about the message besides its data. */
export interface MessageInfo {
  /** The job id of the message. */
  readonly id: string;
  readonly queue: string;
  /** 1 on the first attempt. */
  readonly attempt: number;
}

/** Handles one message; a throw fails the attempt (retried when the publisher asked for attempts). */
export type MessageHandler<T = any> = (message: T, info: MessageInfo) => unknown;

/** Options of `app.consume()`. */
export interface ConsumeOptions {
  /**
   * `thread` runs the handler on a pool thread, so blocking work in it never delays HTTP
   * requests; `loop` (default) runs it on the event loop, for handlers that only await I/O.
   */
  lane?: "loop" | "thread";
  /** Messages handled at once by this process (default 1). */
  concurrency?: number;
  /** `import.meta.url` of the module that calls `consume` when imported (thread lane; default: found from the call stack). */
  module?: string;
  /** Milliseconds to let running handlers finish at shutdown (default 30 000). */
  drainTimeout?: number;
}

interface Declared {
  readonly queue: string;
  readonly handler: MessageHandler;
  readonly ref: ThreadFunction<[unknown, MessageInfo], unknown> | undefined;
  readonly options: ConsumeOptions;
}

/**
 * An app's message consumers (`app.consume`): declared at module level, started after the app's
 * startup, closed (drained) at its shutdown. BullMQ is loaded only when there is one to start.
 */
export class AppConsumers {
  readonly #logger: Logger;
  readonly #pool: () => ThreadPool;
  readonly #declared: Declared[] = [];
  #running: { consumer: QueueConsumer; drainMs: number }[] = [];

  constructor(logger: Logger, pool: () => ThreadPool) {
    this.#logger = logger;
    this.#pool = pool;
  }

  add(queue: string, handler: MessageHandler, options: ConsumeOptions = {}): void {
    if (typeof queue !== "string" || queue === "" || queue.includes(":")) throw new TypeError("consume(): the queue name must be a non-empty string without ':'");
    if (typeof handler !== "function") throw new TypeError(`consume("${queue}"): the handler must be a function`);
    const lane = options.lane ?? "loop";
    if (lane !== "loop" && lane !== "thread") throw new TypeError(`consume("${queue}"): lane must be "loop" or "thread"`);
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000) throw new RangeError(`consume("${queue}"): concurrency must be a whole number from 1 to 10000`);
    // Pool threads import the module that declared it and find the handler under the same key.
    const ref = lane === "thread" ? registerThreadFunction<[unknown, MessageInfo], unknown>("consumer", handler, { module: options.module }) : undefined;
    this.#declared.push({ queue, handler, ref, options });
  }

  /** Starts every declared consumer (none in a pool thread: it only needs the registrations). */
  async start(): Promise<void> {
    if (isThreadLaneWorker()) return;
    // Loading BullMQ takes the loop for a good part of a second (measured ~0.7 s under tsx): do it
    // at startup, before requests arrive, rather than inside the first request that enqueues.
    if (queueTasks().length > 0 && redisClientOptions()) await import("./enqueue.js");
    if (this.#declared.length === 0) return;
    if (!redisClientOptions()) throw new QueueNotConfiguredError(`app.consume("${this.#declared[0]!.queue}")`);
    const [{ QueueConsumer }, { runInJobContext }] = await Promise.all([import("./consumer.js"), import("./job-context.js")]);
    for (const declared of this.#declared) {
      const { queue, handler, ref, options } = declared;
      const name = handler.name || "consumer";
      const consumer = new QueueConsumer({
        queue,
        concurrency: options.concurrency,
        logger: this.#logger,
        label: `consumer:${queue}`,
        process: (job) => {
          const info: MessageInfo = { id: job.id ?? "", queue, attempt: job.attemptsMade + 1 };
          return runInJobContext(name, queue, job, () => (ref ? callOnThread(ref, [job.data, info], { pool: this.#pool() }) : handler(job.data, info)));
        },
      });
      this.#running.push({ consumer, drainMs: options.drainTimeout ?? 30_000 });
      await consumer.start();
      this.#logger.info({ queue, lane: options.lane ?? "loop" }, `Consuming queue "${queue}" (lane ${options.lane ?? "loop"})`);
    }
  }

  /** Stops taking messages and lets running handlers finish (bounded by `drainTimeout`). */
  async close(): Promise<void> {
    const running = this.#running;
    this.#running = [];
    await Promise.all(running.map(({ consumer, drainMs }) => consumer.close(drainMs)));
  }
}
