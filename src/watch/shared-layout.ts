import process from "node:process";
/**
 * The shared memory the watchdog reads while the threads it watches are stuck. One
 * `SharedArrayBuffer`, seen as `Int32Array` (and a byte view for route names):
 *
 *   header | lane 0 (the main thread) | lane 1..N (thread-lane workers)
 *
 * Each lane is written only by the thread it describes; the watchdog only reads it (it may
 * reset the generation of a freed lane, through the main thread's allocator). Times are
 * milliseconds of the process-wide monotonic clock minus an epoch shared by all threads, kept
 * in an Int32 and compared with wrap-around arithmetic, so no 64-bit atomics are needed.
 */

/** Header slots. */
export const HEADER = {
  /** Bit flags, see {@link FLAG}. */
  flags: 0,
  /** Number of lanes, including the main thread's. */
  laneCount: 1,
  /** The watchdog thread's inspector session, see {@link SESSION}. */
  session: 2,
} as const;

/**
 * States of {@link HEADER.session}. Both threads move it with compare-and-exchange, so a session
 * is never connected after the main thread has started to exit: Node prints "Waiting for the
 * debugger to disconnect..." for a session still connected at exit (and under --inspect waits).
 */
export const SESSION = {
  /** No session yet: the thread may still connect. */
  none: 0,
  /** Connected (or connecting): the main thread must wait for {@link SESSION.closed} at exit. */
  open: 1,
  /** Disconnected, or refused before it was opened because the process exits. Final. */
  closed: 2,
} as const;
export const HEADER_INTS = 4;

export const FLAG = {
  /** `inspector.url()` is set: a debugger may attach and stop the main thread at breakpoints. */
  inspectorActive: 1,
  /** The watchdog is stopping: the heartbeat is about to stop on purpose. */
  stopping: 2,
} as const;

/** Slots of one lane, relative to the lane's base. */
export const LANE = {
  /** Incremented by the lane's own thread while it can run JavaScript. */
  beat: 0,
  /** Clock offset (ms) of the last beat. */
  beatAt: 1,
  /** {@link LANE_STATE}. */
  state: 2,
  /** Incremented each time a thread joins the lane, so the watchdog notices a new owner. */
  generation: 3,
  /** Request id of the last request to enter a handler on this lane, low and high 32 bits (adjacent: see writeSplitId). */
  requestLow: 4,
  requestHigh: 5,
  /** Main lane: index into the route table the main thread posts to the watchdog; 0 = none. */
  routeIndex: 6,
  /** Thread lanes: the pool's id for the worker (its threadId unless the pool says otherwise). */
  workerId: 7,
  /** Linux thread id of the lane's thread (0 when unknown), for /proc/self/task/<tid>/schedstat. */
  tid: 8,
  /** Seqlock around the route name bytes: odd while the owner writes. */
  routeSeq: 9,
  /** Byte length of the route name. */
  routeLength: 10,
  /** Clock offset (ms) when the current request entered; for "stuck N ms in route R". */
  enteredAt: 11,
  /**
   * Main lane: the thread's schedstat read at its last beat (ns on a CPU, then ns waiting for
   * one, each as low and high words, see writeSplitId), so the watchdog thread need not wake to
   * read it: a block's CPU classification starts there.
   */
  runLow: 12,
  runHigh: 13,
  waitLow: 14,
  waitHigh: 15,
  /** First Int32 of the route name bytes (UTF-8, `method \n route`). */
  routeBytes: 16,
} as const;
export const ROUTE_NAME_BYTES = 128;
export const LANE_INTS = LANE.routeBytes + ROUTE_NAME_BYTES / 4;

export const LANE_STATE = {
  free: 0,
  /** Allocated by the main thread, not yet joined by its worker. */
  reserved: 1,
  /** Joined; the worker's loop is free. */
  idle: 2,
  /** Joined and running a request. */
  busy: 3,
  /**
   * Joined, running nothing, and not expected to beat: a pool thread waiting for its next call
   * (piscina parks it in `Atomics.wait`, so its event loop does not run).
   */
  parked: 4,
} as const;

export const MAIN_LANE = 0;

/** Byte size of a buffer holding the main lane and `threadLanes` thread lanes. */
export function sharedBufferSize(threadLanes: number): number {
  return (HEADER_INTS + (threadLanes + 1) * LANE_INTS) * Int32Array.BYTES_PER_ELEMENT;
}

/** Index of a lane's first slot in the Int32 view. */
export function laneBase(lane: number): number {
  return HEADER_INTS + lane * LANE_INTS;
}

/** Milliseconds of the monotonic clock every thread of the process shares (uv_hrtime). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** `monotonicMs()` as a wrapping Int32 offset from `epoch`. */
export function clockOffset(epoch: number): number {
  return Math.round(monotonicMs() - epoch) | 0;
}

/** `later - earlier` for wrapping Int32 offsets (valid while the true gap is under ~24 days). */
export function offsetDelta(later: number, earlier: number): number {
  return (later - earlier) | 0;
}

/**
 * Splits an id (a safe integer) into two Int32 slots, the low word at `at` and the high word at
 * `at + 1`, with plain stores (the caller publishes them), and reads it back.
 */
export function writeSplitId(view: Int32Array, at: number, id: number): void {
  // `| 0` keeps the low 32 bits of an integer up to 2^53; `%` by 2^32 (not a small integer) was a call to fmod.
  view[at] = id | 0;
  view[at + 1] = Math.floor(id / 0x1_0000_0000) | 0;
}

export function readSplitId(view: Int32Array, at: number): number {
  const low = Atomics.load(view, at) >>> 0;
  const high = Atomics.load(view, at + 1) >>> 0;
  return high * 0x1_0000_0000 + low;
}

/** In `LANE.runHigh`: no scheduler counters stored (not Linux, or unreadable); a real high word is < 2^21. */
export const NO_SCHED = -1;

/** The scheduler counters the main lane stored at its last beat (`LANE.runLow`..`waitHigh`), or null. */
export function readLaneSched(view: Int32Array, base: number): { runNs: number; waitNs: number } | null {
  if (Atomics.load(view, base + LANE.runHigh) < 0) return null;
  return { runNs: readSplitId(view, base + LANE.runLow), waitNs: readSplitId(view, base + LANE.waitLow) };
}

/** The lane's last request id ({@link writeSplitId} at `LANE.requestLow`). */
export function writeRequestId(view: Int32Array, base: number, id: number): void {
  writeSplitId(view, base + LANE.requestLow, id);
}

export function readRequestId(view: Int32Array, base: number): number {
  return readSplitId(view, base + LANE.requestLow);
}
