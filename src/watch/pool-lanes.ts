import { threadId } from "node:worker_threads";
import { HEADER, LANE, LANE_STATE, MAIN_LANE, laneBase } from "./shared-layout.js";
import { joinThreadLane, type ThreadLaneHeartbeat } from "./thread-lane.js";

/**
 * Heartbeat lanes for the threads of a pool (piscina starts and replaces them by itself, so the
 * main thread cannot hand each a grant): the pool puts {@link threadLaneSource} in every
 * thread's `workerData`, each thread claims a free lane with {@link claimThreadLane} when it
 * starts, and the pool frees it with {@link releaseThreadLanesOf} when the thread is destroyed.
 */

/** What a worker thread needs to claim a lane of the running watchdog: plain, cloneable data. */
export interface ThreadLaneSource {
  readonly buffer: SharedArrayBuffer;
  readonly epoch: number;
}

let active: ThreadLaneSource | undefined;

/** @internal Set by the watchdog while it runs. */
export function setActiveThreadLaneSource(source: ThreadLaneSource | undefined): void {
  active = source;
}

/**
 * The running watchdog's lanes, for a pool to pass to its threads; undefined when no watchdog
 * runs (its threads then have no heartbeat).
 *
 * @example
 * new Piscina({ filename, workerData: { ...data, watchdogLanes: threadLaneSource() } });
 */
export function threadLaneSource(): ThreadLaneSource | undefined {
  return active;
}

/**
 * In a worker thread: claims a free lane of `source` and starts its heartbeat. Null when there is
 * no source, it is not one, or every lane is taken. Never throws: a thread without a heartbeat
 * still runs.
 *
 * @example
 * const lane = claimThreadLane(workerData.watchdogLanes);
 * lane?.enter({ id: 17, method: "POST", route: "/reports" });
 */
export function claimThreadLane(source: unknown): ThreadLaneHeartbeat | null {
  if (!isSource(source)) return null;
  try {
    const view = new Int32Array(source.buffer);
    const laneCount = Atomics.load(view, HEADER.laneCount);
    for (let lane = MAIN_LANE + 1; lane < laneCount; lane++) {
      const state = laneBase(lane) + LANE.state;
      if (Atomics.compareExchange(view, state, LANE_STATE.free, LANE_STATE.reserved) === LANE_STATE.free) {
        return joinThreadLane({ buffer: source.buffer, lane, epoch: source.epoch }, { workerId: threadId, parkWhenIdle: true });
      }
    }
  } catch {
    // A buffer that is not a watchdog's: no heartbeat.
  }
  return null;
}

/**
 * On the main thread: frees the lanes of a destroyed worker thread (its `threadId`).
 *
 * @example
 * piscina.on("workerDestroy", (worker) => releaseThreadLanesOf(worker.id));
 */
export function releaseThreadLanesOf(workerId: number): void {
  const source = active;
  if (source === undefined || !Number.isInteger(workerId)) return;
  const view = new Int32Array(source.buffer);
  const laneCount = Atomics.load(view, HEADER.laneCount);
  for (let lane = MAIN_LANE + 1; lane < laneCount; lane++) {
    const base = laneBase(lane);
    if (Atomics.load(view, base + LANE.state) !== LANE_STATE.free && Atomics.load(view, base + LANE.workerId) === workerId) {
      Atomics.store(view, base + LANE.state, LANE_STATE.free);
    }
  }
}

function isSource(value: unknown): value is ThreadLaneSource {
  const candidate = value as Partial<ThreadLaneSource> | null | undefined;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    candidate.buffer instanceof SharedArrayBuffer &&
    typeof candidate.epoch === "number" &&
    Number.isFinite(candidate.epoch)
  );
}
