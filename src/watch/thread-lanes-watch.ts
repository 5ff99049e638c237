import { readLaneRoute, routeBytesView, type LaneRoute } from "./lane-route.js";
import { SchedstatReader, type SchedSample } from "./schedstat.js";
import { HEADER, LANE, LANE_STATE, MAIN_LANE, clockOffset, laneBase, offsetDelta, readRequestId } from "./shared-layout.js";

/** A thread-lane worker that stopped beating for `stuckAfterMs`. */
export interface LaneStall {
  readonly blockId: number;
  readonly workerId: number;
  /** Clock offset of the lane's last heartbeat before the stall. */
  readonly startedAt: number;
  /** Clock offset when the stall was noticed. */
  readonly detectedAt: number;
  readonly schedStart: SchedSample | null;
  /** The request the worker was running; null when idle (module loading, a timer) or running a task. */
  readonly request: (LaneRoute & { id: number }) | null;
  /** Its method and route; null when idle. */
  readonly route: LaneRoute | null;
  readonly sched: SchedstatReader;
}

export interface ThreadLaneEvents {
  stuck(stall: LaneStall, now: number): void;
  ended(stall: LaneStall, endedAt: number, sched: SchedSample | null): void;
}

interface Track {
  generation: number;
  lastBeat: number;
  sched: SchedstatReader;
  lastSample: SchedSample | null;
  stall: LaneStall | null;
}

/** How often (in polls) a thread lane's CPU counters are sampled while it is healthy. */
const SAMPLE_EVERY_POLLS = 10;

/**
 * Detection for thread-lane workers. Their heartbeat stops whenever a handler runs
 * synchronously (that is what the thread lane is for), so the bar is `stuckAfterMs`, much
 * higher than the event loop's, and the report is made as soon as it is crossed.
 */
export class ThreadLanesWatch {
  readonly #view: Int32Array;
  readonly #buffer: SharedArrayBuffer;
  readonly #epoch: number;
  readonly #stuckAfterMs: number;
  readonly #events: ThreadLaneEvents;
  readonly #nextBlockId: () => number;
  readonly #tracks = new Map<number, Track>();
  #polls = 0;

  constructor(options: {
    buffer: SharedArrayBuffer;
    epoch: number;
    stuckAfterMs: number;
    events: ThreadLaneEvents;
    nextBlockId: () => number;
  }) {
    this.#buffer = options.buffer;
    this.#view = new Int32Array(options.buffer);
    this.#epoch = options.epoch;
    this.#stuckAfterMs = options.stuckAfterMs;
    this.#events = options.events;
    this.#nextBlockId = options.nextBlockId;
  }

  poll(): void {
    const view = this.#view;
    const laneCount = Atomics.load(view, HEADER.laneCount);
    const sampleNow = ++this.#polls % SAMPLE_EVERY_POLLS === 0;
    for (let lane = MAIN_LANE + 1; lane < laneCount; lane++) this.#pollLane(lane, sampleNow);
  }

  #pollLane(lane: number, sampleNow: boolean): void {
    const view = this.#view;
    const base = laneBase(lane);
    const state = Atomics.load(view, base + LANE.state);
    let track = this.#tracks.get(lane);
    if (state !== LANE_STATE.idle && state !== LANE_STATE.busy && state !== LANE_STATE.parked) {
      if (track !== undefined) this.#forget(lane, track);
      return;
    }
    const generation = Atomics.load(view, base + LANE.generation);
    if (track !== undefined && track.generation !== generation) {
      this.#forget(lane, track);
      track = undefined;
    }
    if (track === undefined) {
      const sched = new SchedstatReader(Atomics.load(view, base + LANE.tid));
      track = { generation, lastBeat: Atomics.load(view, base + LANE.beat), sched, lastSample: sched.sample(), stall: null };
      this.#tracks.set(lane, track);
      return;
    }
    const beat = Atomics.load(view, base + LANE.beat);
    if (beat !== track.lastBeat) {
      track.lastBeat = beat;
      if (track.stall !== null) {
        track.lastSample = track.sched.sample();
        this.#events.ended(track.stall, Atomics.load(view, base + LANE.beatAt), track.lastSample);
        track.stall = null;
      } else if (sampleNow) {
        track.lastSample = track.sched.sample();
      }
      return;
    }
    // A parked thread is not expected to beat; whatever stall it was in ended when it parked.
    if (state === LANE_STATE.parked) {
      if (track.stall !== null) {
        this.#events.ended(track.stall, Atomics.load(view, base + LANE.beatAt), track.sched.sample());
        track.stall = null;
      }
      return;
    }
    if (track.stall !== null) return;
    const now = clockOffset(this.#epoch);
    const startedAt = Atomics.load(view, base + LANE.beatAt);
    if (offsetDelta(now, startedAt) < this.#stuckAfterMs) return;
    // An idle lane still holds the route of its last request: not what it is stuck in.
    const route = state === LANE_STATE.busy ? readLaneRoute(view, routeBytesView(this.#buffer, base), base) : null;
    const requestId = route === null ? 0 : readRequestId(view, base);
    track.stall = {
      blockId: this.#nextBlockId(),
      workerId: Atomics.load(view, base + LANE.workerId),
      startedAt,
      detectedAt: now,
      schedStart: track.lastSample,
      route,
      // Id 0: work that is not a request (a task); the route names it.
      request: route !== null && requestId > 0 ? { id: requestId, ...route } : null,
      sched: track.sched,
    };
    this.#events.stuck(track.stall, now);
  }

  /** Whether any thread lane is joined: they are then polled every `pollMs`. */
  get watching(): boolean {
    return this.#tracks.size > 0;
  }

  /** The lane was released or re-joined: a stall in progress ends with its worker. */
  #forget(lane: number, track: Track): void {
    if (track.stall !== null) this.#events.ended(track.stall, clockOffset(this.#epoch), track.sched.sample());
    track.sched.close();
    this.#tracks.delete(lane);
  }

  close(): void {
    for (const track of this.#tracks.values()) track.sched.close();
    this.#tracks.clear();
  }
}
