import { readlinkSync } from "node:fs";
import { threadId } from "node:worker_threads";
import { writeLaneRoute, routeBytesView } from "./lane-route.js";
import { HEADER, LANE, LANE_STATE, MAIN_LANE, clockOffset, laneBase, writeRequestId } from "./shared-layout.js";

/**
 * Permission for one worker thread to report its heartbeat to the watchdog: plain data that
 * crosses to the worker in `workerData` or a message. Get one from
 * `WatchdogHandle.allocateThreadLane()`.
 */
export interface ThreadLaneGrant {
  readonly buffer: SharedArrayBuffer;
  readonly lane: number;
  readonly epoch: number;
}

const HEARTBEAT_MS = 10;

/** The request a thread-lane worker is running. */
export interface ThreadLaneRequest {
  id: number;
  method: string;
  /** Route pattern (or task name) the work belongs to. */
  route: string;
}

/**
 * A worker thread's heartbeat towards the watchdog. While the worker's event loop is free an
 * `unref()`'d timer beats every 10 ms; while a handler runs synchronously it does not, and the
 * watchdog reports "thread worker X stuck N ms in route R" once that lasts `threadStuckAfterMs`.
 * Long synchronous loops that want to say they are alive can call {@link beat} themselves.
 */
export class ThreadLaneHeartbeat {
  readonly #view: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #base: number;
  readonly #epoch: number;
  readonly #between: number;
  /** Calls in progress: a thread handed several calls may interleave async ones. */
  #depth = 0;
  #timer: NodeJS.Timeout | undefined;

  /** @internal Use {@link joinThreadLane}. */
  constructor(grant: ThreadLaneGrant, workerId: number, parkWhenIdle = false) {
    this.#view = new Int32Array(grant.buffer);
    this.#bytes = routeBytesView(grant.buffer, laneBase(grant.lane));
    this.#base = laneBase(grant.lane);
    this.#epoch = grant.epoch;
    this.#between = parkWhenIdle ? LANE_STATE.parked : LANE_STATE.idle;
    const base = this.#base;
    Atomics.store(this.#view, base + LANE.workerId, workerId);
    Atomics.store(this.#view, base + LANE.tid, currentThreadTid());
    writeRequestId(this.#view, base, 0);
    writeLaneRoute(this.#view, this.#bytes, base, { method: "", route: "" });
    this.beat();
    Atomics.add(this.#view, base + LANE.generation, 1);
    Atomics.store(this.#view, base + LANE.state, this.#between);
    this.#timer = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.#timer.unref();
  }

  /** Says "this thread can still run JavaScript". */
  beat(): void {
    Atomics.store(this.#view, this.#base + LANE.beatAt, clockOffset(this.#epoch));
    Atomics.add(this.#view, this.#base + LANE.beat, 1);
  }

  /** Marks the start of a request (or task) on this thread; the latest one entered is the one named. */
  enter(request: ThreadLaneRequest): void {
    this.#depth++;
    const base = this.#base;
    writeRequestId(this.#view, base, request.id);
    writeLaneRoute(this.#view, this.#bytes, base, { method: request.method, route: request.route });
    Atomics.store(this.#view, base + LANE.enteredAt, clockOffset(this.#epoch));
    this.beat();
    Atomics.store(this.#view, base + LANE.state, LANE_STATE.busy);
  }

  /** Marks the end of a request; the thread is idle again once every entered one has ended. */
  exit(): void {
    this.beat();
    if (this.#depth > 0) this.#depth--;
    if (this.#depth === 0) Atomics.store(this.#view, this.#base + LANE.state, this.#between);
  }

  /** Stops the heartbeat; the watchdog stops watching this lane until it is joined again. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const state of [LANE_STATE.idle, LANE_STATE.busy, LANE_STATE.parked]) {
      Atomics.compareExchange(this.#view, this.#base + LANE.state, state, LANE_STATE.reserved);
    }
  }
}

/**
 * Joins the thread lane described by `grant` from inside a worker thread and starts its
 * heartbeat. Throws on a grant that is not one (wrong buffer, lane out of range or not reserved).
 * With `parkWhenIdle`, the thread is watched only between `enter()` and `exit()`: for a thread
 * whose event loop does not run while it waits for work (a piscina worker).
 *
 * @example
 * // in the worker thread
 * const lane = joinThreadLane(workerData.lane);
 * lane.enter({ id: 17, method: "POST", route: "/reports" });
 * try { buildReportSync(); } finally { lane.exit(); }
 */
export function joinThreadLane(grant: ThreadLaneGrant, options: { workerId?: number; parkWhenIdle?: boolean } = {}): ThreadLaneHeartbeat {
  if (!(grant?.buffer instanceof SharedArrayBuffer)) throw new TypeError("thread lane grant has no SharedArrayBuffer");
  const view = new Int32Array(grant.buffer);
  const laneCount = view.length > HEADER.laneCount ? Atomics.load(view, HEADER.laneCount) : 0;
  if (!Number.isInteger(grant.lane) || grant.lane <= MAIN_LANE || grant.lane >= laneCount) {
    throw new RangeError(`thread lane ${String(grant.lane)} does not exist`);
  }
  if (typeof grant.epoch !== "number" || !Number.isFinite(grant.epoch)) throw new TypeError("thread lane grant has no epoch");
  const state = Atomics.load(view, laneBase(grant.lane) + LANE.state);
  if (state !== LANE_STATE.reserved) throw new Error(`thread lane ${grant.lane} is not reserved for a worker`);
  const workerId = options.workerId ?? threadId;
  return new ThreadLaneHeartbeat(grant, Number.isInteger(workerId) ? workerId : threadId, options.parkWhenIdle === true);
}

/** This thread's Linux tid, or 0 where /proc does not say. */
function currentThreadTid(): number {
  try {
    const tid = Number(/\/task\/(\d+)$/.exec(readlinkSync("/proc/thread-self"))?.[1]);
    return Number.isInteger(tid) && tid > 0 ? tid : 0;
  } catch {
    return 0;
  }
}
