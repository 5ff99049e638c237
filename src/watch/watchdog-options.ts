import type { BlockReport } from "./block-report.js";
import type { WatchdogLogger } from "./watchdog-logger.js";
import process from "node:process";

/** Options of `startWatchdog`. Every field is optional. */
export interface WatchdogOptions {
  /** Default true. False gives an inert handle (nothing started, `markRequest` does nothing). */
  enabled?: boolean;
  /**
   * Development defaults: 100 ms threshold, one readable line per block. Default: true when
   * `LOOPWISE_ENV` (set by `loopwise dev`) or `NODE_ENV` is "development".
   */
  dev?: boolean;
  /** How long the loop must not run to count as blocked. Default 250 ms (100 ms in dev). Min 20. */
  thresholdMs?: number;
  /** Called on the main thread for every report the rate limit lets through. */
  onBlock?: (report: BlockReport) => void;
  /** pino-compatible logger; false for none. Default: pino, or plain lines on stderr when `pretty`. */
  logger?: WatchdogLogger | false;
  /** Log one readable line per block instead of a structured entry. Default: `dev`. */
  pretty?: boolean;
  /** At most one report per blocking code path (stack fingerprint) per window. Default 60 000 ms. */
  rateLimitMs?: number;
  /**
   * A block still going on after this long is reported by the watchdog thread alone (the main
   * thread cannot), with the last request to enter a handler, then again when it ends.
   * Default 5000 ms (2000 ms in dev); never below `thresholdMs`.
   */
  neverEndingReportAfterMs?: number;
  /** Where the watchdog thread writes that early report itself; null for nowhere. Default 2 (stderr). */
  stuckReportFd?: number | null;
  /** Take stacks over an in-process inspector session. Default true; false reports without stacks. */
  captureStacks?: boolean;
  /** Heartbeat lanes for thread-lane workers. Default 64. */
  threadLanes?: number;
  /** A thread-lane worker not beating for this long is reported stuck. Default 10 000 ms. */
  threadStuckAfterMs?: number;
}

const MIN_THRESHOLD_MS = 20;
const MAX_DELAY_MS = 24 * 60 * 60 * 1000;
const MAX_THREAD_LANES = 1024;

/** Options with defaults applied and every number checked. */
export function resolveWatchdogSettings(options: WatchdogOptions) {
  const dev = options.dev ?? isDevelopment();
  const thresholdMs = milliseconds("thresholdMs", options.thresholdMs ?? (dev ? 100 : 250), MIN_THRESHOLD_MS);
  const neverEndingReportAfterMs = Math.max(
    thresholdMs,
    milliseconds("neverEndingReportAfterMs", options.neverEndingReportAfterMs ?? (dev ? 2000 : 5000), MIN_THRESHOLD_MS),
  );
  const threadLanes = options.threadLanes ?? 64;
  if (!Number.isInteger(threadLanes) || threadLanes < 0 || threadLanes > MAX_THREAD_LANES) {
    throw new RangeError(`threadLanes must be an integer from 0 to ${MAX_THREAD_LANES}, got ${String(threadLanes)}`);
  }
  const fd = options.stuckReportFd === undefined ? 2 : options.stuckReportFd;
  if (fd !== null && (!Number.isInteger(fd) || fd < 0)) {
    throw new RangeError(`stuckReportFd must be a file descriptor or null, got ${String(fd)}`);
  }
  if (options.onBlock !== undefined && typeof options.onBlock !== "function") throw new TypeError("onBlock must be a function");
  const logger = options.logger;
  if (logger !== undefined && logger !== false && (typeof logger?.warn !== "function" || typeof logger?.error !== "function")) {
    throw new TypeError("logger must have warn() and error() methods, or be false");
  }
  return {
    enabled: options.enabled ?? true,
    dev,
    thresholdMs,
    neverEndingReportAfterMs,
    rateLimitMs: milliseconds("rateLimitMs", options.rateLimitMs ?? 60_000, 0),
    threadStuckAfterMs: milliseconds("threadStuckAfterMs", options.threadStuckAfterMs ?? 10_000, MIN_THRESHOLD_MS),
    threadLanes,
    pretty: options.pretty ?? dev,
    stuckReportFd: fd,
    captureStacks: options.captureStacks ?? true,
    logger,
    onBlock: options.onBlock,
    // A tenth of the threshold: 10 ms under `loopwise dev` (100 ms), 25 ms in production (250 ms).
    // Used only during a block and while thread lanes exist: otherwise the watchdog thread sleeps
    // until the main thread's last beat is a threshold old. Polling every 25 ms, woken from sleep
    // each time, it took 0.5% of a core saturated with hello-world requests (docs/observability.md).
    pollMs: Math.min(25, Math.max(2, Math.floor(thresholdMs / 10))),
  };
}

/** Whether the process runs under `loopwise dev` (LOOPWISE_ENV) or with NODE_ENV=development. */
export function isDevelopment(env: NodeJS.ProcessEnv = process.env): boolean {
  return env["LOOPWISE_ENV"] === "development" || env["NODE_ENV"] === "development";
}

function milliseconds(name: string, value: number, min: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > MAX_DELAY_MS) {
    throw new RangeError(`${name} must be a number of milliseconds from ${min} to ${MAX_DELAY_MS}, got ${String(value)}`);
  }
  return value;
}
