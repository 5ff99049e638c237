import { Queue, QueueEvents } from "bullmq";
import type { Redis, RedisOptions } from "ioredis";
import { describeRedis, queueSettings, redisClientOptions } from "./config.js";
import { QueueNotConfiguredError, QueueUnavailableError } from "./errors.js";
import { closeRedisClient, createRedisClient, roleOptions } from "./redis-clients.js";

/** The producer connection and what was built on it (made again after Redis went away). */
interface Producer {
  readonly client: Redis;
  readonly options: RedisOptions;
  /** Settles once the first connection attempt is over: ready, or given up. */
  readonly settled: Promise<void>;
  readonly queues: Map<string, Queue>;
  readonly errors: { last: Error | undefined };
}

/**
 * Resolves once `client` is ready or has ended, or after `timeoutMs`: ioredis would wait for
 * ever on a server that accepts the connection but never answers.
 */
function firstAttempt(client: Redis, timeoutMs: number, errors: { last: Error | undefined }): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off("ready", done).off("end", done);
      resolve();
    };
    const timer = setTimeout(() => {
      errors.last ??= new Error(`no answer within ${timeoutMs} ms`);
      done();
    }, timeoutMs);
    client.on("ready", done).on("end", done);
  });
}

/**
 * The process's connections to the queue lane's Redis, made on first use: a producer connection
 * that fails fast (`.enqueue()` must say "Redis is down" now, not hang) with one BullMQ `Queue`
 * per queue name on it; a reader connection that waits out an outage, for `handle.state()` and
 * the like; and `QueueEvents` (BullMQ's own blocking connections) for `handle.result()`.
 */
class QueueConnections {
  #producer: Producer | undefined;
  #reader: Redis | undefined;
  readonly #readers = new Map<string, Queue>();
  readonly #events = new Map<string, QueueEvents>();

  #options(what: string): RedisOptions {
    const options = redisClientOptions();
    if (!options) throw new QueueNotConfiguredError(what);
    return options;
  }

  /**
   * The producer, connected: a new connection when there is none or the last one was lost (it
   * does not reconnect by itself, so this attempt says whether Redis is back). Throws
   * {@link QueueNotConfiguredError} without Redis, {@link QueueUnavailableError} when unreachable.
   */
  async #reachable(what: string): Promise<Producer> {
    const producer = this.#currentProducer(what);
    // Every enqueue that arrives meanwhile shares the one attempt.
    await producer.settled;
    if (producer.client.status === "ready") return producer;
    // Given up on: the next call tries a new connection.
    if (this.#producer === producer) this.#retire(producer);
    throw this.unavailable(what, producer.errors.last);
  }

  #currentProducer(what: string): Producer {
    const current = this.#producer;
    if (current && current.client.status !== "end") return current;
    if (current) this.#retire(current);
    const options = this.#options(what);
    const client = createRedisClient(options, "producer", "loopwise:producer");
    const errors: Producer["errors"] = { last: undefined };
    client.on("error", (error: Error) => (errors.last = error));
    const settled = firstAttempt(client, options.connectTimeout ?? 5000, errors);
    this.#producer = { client, options, settled, queues: new Map(), errors };
    return this.#producer;
  }

  /** Drops a lost producer connection, and its Queues, which hold nothing but listeners. */
  #retire(producer: Producer): void {
    this.#producer = undefined;
    producer.client.disconnect();
    void Promise.allSettled([...producer.queues.values()].map((queue) => queue.close()));
  }

  /** The error for "Redis went away", naming the server (never the password) and the cause. */
  unavailable(what: string, cause: unknown): QueueUnavailableError {
    const options = redisClientOptions();
    const server = options ? describeRedis(options) : "the configured Redis";
    const reason = cause instanceof Error && cause.message !== "" ? ` (${cause.message})` : "";
    return new QueueUnavailableError(
      `${what} was not enqueued: Redis at ${server} is not reachable${reason}. Check that Redis is running and that ` +
        `REDIS_URL points to it; workers reconnect by themselves once it is back.`,
      { cause },
    );
  }

  /**
   * Runs `command` on the BullMQ Queue named `name`, on the producer connection once it is
   * connected. Redis unreachable, or lost on the way, is a {@link QueueUnavailableError}.
   */
  async onQueue<T>(name: string, what: string, command: (queue: Queue) => Promise<T>): Promise<T> {
    const producer = await this.#reachable(what);
    let queue = producer.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: producer.client, prefix: queueSettings().prefix });
      queue.on("error", () => {});
      queue.setMaxListeners(0);
      producer.queues.set(name, queue);
    }
    try {
      return await command(queue);
    } catch (error) {
      if (producer.client.status !== "ready") throw this.unavailable(what, error);
      throw error;
    }
  }

  /**
   * The Queue named `name` on the reader connection, which waits out a Redis outage (offline
   * queue): for reading a job's state and result, where waiting for Redis is the right answer.
   */
  reader(name: string, what: string): Queue {
    const existing = this.#readers.get(name);
    if (existing) return existing;
    this.#reader ??= createRedisClient(this.#options(what), "waiting", "loopwise:reader");
    const queue = new Queue(name, { connection: this.#reader, prefix: queueSettings().prefix });
    queue.on("error", () => {});
    // One `closing` listener per job awaited with waitUntilFinished: many may wait at once.
    queue.setMaxListeners(0);
    this.#readers.set(name, queue);
    return queue;
  }

  /** QueueEvents of `name` (completion and failure notices): BullMQ opens, and closes, its connection. */
  events(name: string, what: string): QueueEvents {
    const existing = this.#events.get(name);
    if (existing) return existing;
    const connection = roleOptions(this.#options(what), "waiting", "loopwise:events");
    const events = new QueueEvents(name, { connection, prefix: queueSettings().prefix });
    events.on("error", () => {});
    events.setMaxListeners(0);
    this.#events.set(name, events);
    return events;
  }

  /** Closes every connection made so far (they are made again if used afterwards). */
  async close(): Promise<void> {
    const producer = this.#producer;
    const reader = this.#reader;
    const events = [...this.#events.values()];
    const queues = [...(producer?.queues.values() ?? []), ...this.#readers.values()];
    this.#producer = undefined;
    this.#reader = undefined;
    this.#events.clear();
    this.#readers.clear();
    await Promise.allSettled([...events.map((e) => e.close()), ...queues.map((q) => q.close())]);
    await Promise.all([producer && closeRedisClient(producer.client), reader && closeRedisClient(reader)]);
  }
}

const CONNECTIONS = Symbol.for("loopwise.queue.connections");

/** The process-wide connections (shared by every copy of loopwise loaded in the process). */
export function queueConnections(): QueueConnections {
  const holder = globalThis as { [CONNECTIONS]?: QueueConnections };
  return (holder[CONNECTIONS] ??= new QueueConnections());
}

/**
 * Closes the process's queue-lane connections. Apps do it at shutdown; a script that only
 * enqueues calls it before exiting (open connections keep Node running).
 *
 * @example
 * await report.enqueue([42]);
 * await closeQueueConnections();
 */
export function closeQueueConnections(): Promise<void> {
  return queueConnections().close();
}
