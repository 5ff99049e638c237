import { Worker, type Job } from "bullmq";
import type { Logger } from "../logging.js";
import { queueSettings, redisClientOptions } from "./config.js";
import { QueueNotConfiguredError } from "./errors.js";
import { noteConsumedQueue } from "./metrics.js";
import { roleOptions } from "./redis-clients.js";

/** How a {@link QueueConsumer} reads its queue. */
export interface ConsumerSettings {
  readonly queue: string;
  /** Jobs run at once by this consumer (default 1). */
  readonly concurrency?: number | undefined;
  readonly logger: Logger;
  /** Runs one job; its resolved value is the job's result, a rejection fails the attempt. */
  readonly process: (job: Job) => Promise<unknown>;
  /** Names this consumer in Redis's CLIENT LIST and in logs. */
  readonly label: string;
}

/** What ioredis and BullMQ say when Redis cannot be reached (as opposed to a failing command). */
const CONNECTION_LOST = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|Connection is closed|All sentinels are unreachable/;

/** Connection problems are logged once per this many milliseconds, not once per retry. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * One BullMQ Worker reading one queue: BullMQ fetches jobs (blocking reads, no polling of ours),
 * holds their locks, retries failed attempts with their backoff, and requeues the jobs of a
 * worker that died (stalled-job check). This adds logging and a bounded graceful close.
 *
 * @example
 * const consumer = new QueueConsumer({ queue: "default", concurrency: 4, logger, process: taskProcessor("default"), label: "worker" });
 * await consumer.start();
 * await consumer.close(30_000);
 */
export class QueueConsumer {
  readonly #settings: ConsumerSettings;
  #worker: Worker | undefined;
  #lastErrorLog = 0;
  #down = false;

  constructor(settings: ConsumerSettings) {
    this.#settings = settings;
  }

  get queue(): string {
    return this.#settings.queue;
  }

  /** Connects and starts taking jobs; resolves once connected. */
  async start(): Promise<void> {
    if (this.#worker) return;
    const { queue, logger, label } = this.#settings;
    const options = redisClientOptions();
    if (!options) throw new QueueNotConfiguredError(`The consumer of queue "${queue}"`);
    const { prefix, lockDuration, stalledInterval } = queueSettings();
    noteConsumedQueue(queue);
    // Options rather than a client: BullMQ opens the Worker's two connections (one for its
    // blocking fetch) with them, and closes them with the Worker.
    const worker = new Worker(queue, this.#settings.process, {
      connection: roleOptions(options, "waiting", `loopwise:${label}`),
      prefix,
      concurrency: this.#settings.concurrency ?? 1,
      ...(lockDuration === undefined ? {} : { lockDuration }),
      ...(stalledInterval === undefined ? {} : { stalledInterval }),
      autorun: false,
    });
    this.#worker = worker;
    worker.on("error", (error) => this.#onError(error));
    worker.on("ready", () => {
      if (this.#down) logger.info({ queue }, `Redis is back: queue "${queue}" is consumed again`);
      this.#down = false;
    });
    worker.on("failed", (job, error) => {
      if (!job) return;
      const attempts = job.opts.attempts ?? 1;
      const final = job.attemptsMade >= attempts || error.name === "UnrecoverableError";
      logger[final ? "error" : "warn"](
        { queue, job: job.id, task: job.name, attempt: job.attemptsMade, attempts, err: error },
        final ? `Job ${job.id} (${job.name}) failed for good: ${error.message}` : `Job ${job.id} (${job.name}) attempt ${job.attemptsMade} of ${attempts} failed; it will be retried`,
      );
    });
    worker.on("stalled", (jobId) => {
      logger.warn({ queue, job: jobId }, `Job ${jobId} stalled (its worker died or lost its lock): back on the queue`);
    });
    await worker.waitUntilReady();
    void worker.run().catch((error: unknown) => logger.error({ queue, err: error }, `The consumer of queue "${queue}" stopped`));
  }

  /**
   * Stops taking jobs and waits up to `graceMs` for the running ones to finish. A job still
   * running after that keeps its lock until it expires, then the stalled-job check of any other
   * worker puts it back on the queue: no job is lost. Resolves true when everything finished.
   */
  async close(graceMs = 30_000): Promise<boolean> {
    const worker = this.#worker;
    if (!worker) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      worker.close().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    return drained;
  }

  #onError(error: Error): void {
    const now = Date.now();
    const connectionLost = CONNECTION_LOST.test(`${error.message} ${(error as { code?: string }).code ?? ""}`);
    if (connectionLost) this.#down = true;
    if (now - this.#lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    this.#lastErrorLog = now;
    const { queue, logger } = this.#settings;
    if (connectionLost) logger.warn({ queue, err: error }, `Redis is not reachable; the consumer of queue "${queue}" keeps retrying`);
    else logger.error({ queue, err: error }, `Queue "${queue}" consumer error: ${error.message}`);
  }
}
