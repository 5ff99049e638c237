import { isMainThread, workerData } from "node:worker_threads";
import type { ThreadLaneSource } from "../watch/pool-lanes.js";

/** Marks the `workerData` of loopwise's pool threads, so app code can tell where it runs. */
export const POOL_WORKER_MARK = "loopwise.threadLane";

/** What the pool hands each of its worker threads at creation. */
export interface PoolWorkerData {
  readonly [POOL_WORKER_MARK]: true;
  /** Name of the BroadcastChannel on which the pool announces cancelled calls. */
  readonly abortChannel: string;
  /** Slot `callId & (length - 1)` holds `callId` once that call is cancelled (client gone, timeout). */
  readonly cancelled: Int32Array;
  /** Where this thread says whether its calls are short (see call-clock.ts); absent in older pools' data. */
  readonly callClock?: SharedArrayBuffer | undefined;
  /** The watchdog's heartbeat lanes, when one ran as the pool started (see watch/pool-lanes.ts). */
  readonly watchdogLanes?: ThreadLaneSource | undefined;
}

function poolWorkerData(): PoolWorkerData | undefined {
  if (isMainThread) return undefined;
  const data = workerData as Partial<PoolWorkerData> | null | undefined;
  return data !== null && typeof data === "object" && data[POOL_WORKER_MARK] === true ? (data as PoolWorkerData) : undefined;
}

const current = poolWorkerData();

/**
 * Whether this code runs inside a thread-lane worker (a pool thread that imported the app's
 * module to run its thread-lane routes and tasks). There, `app.listen()` does nothing and the
 * app's lifespan does not run: the main thread owns the server.
 *
 * @example
 * import { isThreadLaneWorker } from "loopwise";
 * if (!isThreadLaneWorker()) startMetricsExporter();
 */
export function isThreadLaneWorker(): boolean {
  return current !== undefined;
}

/** @internal The pool's data when running in a pool worker. */
export function currentPoolWorkerData(): PoolWorkerData | undefined {
  return current;
}
