import type { RedisOptions } from "ioredis";
import { describeServer, parseRedisUrl } from "./redis-url.js";
import process from "node:process";

/** Queue-lane settings: `new App({ queue })`, {@link configureQueue}, or the environment. */
export interface QueueSettings {
  /** `redis://[[user]:password@]host[:port][/db]` (default: `REDIS_URL`). */
  redisUrl?: string | undefined;
  /**
   * ioredis options, applied over what the URL says (or alone, without a URL): `sentinels` and
   * `name` for Redis Sentinel, `tls` with your CA, `family: 6`... The options that decide how a
   * connection behaves while Redis is down are set by loopwise for each connection and refused
   * here (see docs/queue.md).
   */
  redisOptions?: RedisOptions | undefined;
  /** Prefix of every Redis key BullMQ writes (default "loopwise"). */
  prefix?: string | undefined;
  /** Milliseconds a worker holds a job before another may take it over (default 30 000). */
  lockDuration?: number | undefined;
  /** Milliseconds between checks for jobs whose worker died (default 30 000). */
  stalledInterval?: number | undefined;
  /** Milliseconds `.enqueue()` waits for a connection before failing (default 5 000). */
  connectTimeout?: number | undefined;
}

/** Set per connection by loopwise (producers fail fast, consumers wait): not the app's to choose. */
const ROLE_OPTIONS = ["enableOfflineQueue", "maxRetriesPerRequest", "retryStrategy", "lazyConnect", "autoResendUnfulfilledCommands"];

let settings: QueueSettings = {};

function checkRedisOptions(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError("queue.redisOptions must be an object of ioredis options");
  }
  if ("keyPrefix" in options) throw new TypeError("queue.redisOptions.keyPrefix is not supported by BullMQ: use queue.prefix");
  const clash = ROLE_OPTIONS.find((key) => key in options);
  if (clash) {
    throw new TypeError(
      `queue.redisOptions.${clash} is set by loopwise for each connection (enqueue fails fast while Redis is down, ` +
        `consumers wait and reconnect): leave it out`,
    );
  }
}

function checkMilliseconds(value: unknown, name: string): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 24 * 3600 * 1000) {
    throw new RangeError(`queue.${name} must be a whole number of milliseconds from 1 to 86400000`);
  }
}

/**
 * Sets the process's queue-lane settings (tasks are module-level, so this is per process, as
 * `REDIS_URL` is). `new App({ queue })` calls it. Values left out keep their previous setting.
 *
 * @example
 * configureQueue({ redisUrl: "redis://127.0.0.1:6379" });
 * configureQueue({ redisOptions: { sentinels: [{ host: "10.0.0.7", port: 26379 }], name: "jobs" } });
 */
export function configureQueue(next: QueueSettings): void {
  const defined = Object.fromEntries(Object.entries(next).filter(([, value]) => value !== undefined)) as QueueSettings;
  // Fail now, not at the first enqueue.
  if (defined.redisUrl !== undefined) {
    if (typeof defined.redisUrl !== "string") throw new TypeError("queue.redisUrl must be a string: redis://host:6379");
    parseRedisUrl(defined.redisUrl);
  }
  if (defined.redisOptions !== undefined) checkRedisOptions(defined.redisOptions);
  if (defined.prefix !== undefined && (typeof defined.prefix !== "string" || defined.prefix === "")) {
    throw new TypeError("queue.prefix must be a non-empty string");
  }
  for (const name of ["lockDuration", "stalledInterval", "connectTimeout"] as const) {
    if (defined[name] !== undefined) checkMilliseconds(defined[name], name);
  }
  settings = { ...settings, ...defined };
}

/** The settings in force, `REDIS_URL` filling in the URL. */
export function queueSettings(): Readonly<QueueSettings> & { prefix: string } {
  const fromEnv = process.env["REDIS_URL"];
  return {
    ...settings,
    redisUrl: settings.redisUrl ?? (fromEnv === undefined || fromEnv === "" ? undefined : fromEnv),
    prefix: settings.prefix ?? "loopwise",
  };
}

/**
 * ioredis options for the configured Redis (the URL's, then `redisOptions`, then the connect
 * timeout), or undefined when no Redis is configured. Each connection adds its role's options.
 */
export function redisClientOptions(): RedisOptions | undefined {
  const { redisUrl, redisOptions, connectTimeout } = queueSettings();
  if (redisUrl === undefined && redisOptions === undefined) return undefined;
  return {
    ...(redisUrl === undefined ? {} : parseRedisUrl(redisUrl)),
    ...redisOptions,
    connectTimeout: connectTimeout ?? 5000,
  };
}

/** The configured Redis, for messages and logs: `host:port`, or the Sentinel group (never a password). */
export function describeRedis(options: RedisOptions): string {
  if (options.sentinels && options.sentinels.length > 0) {
    return `Sentinel master "${options.name ?? "mymaster"}" (via ${options.sentinels.map((s) => describeServer(s)).join(", ")})`;
  }
  if (options.path !== undefined) return options.path;
  return describeServer(options);
}

/** @internal Tests: back to nothing configured. */
export function resetQueueSettings(): void {
  settings = {};
}
