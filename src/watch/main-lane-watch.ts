import type { SchedSample, SchedstatReader } from "./schedstat.js";
import type { Snapshot } from "./snapshot.js";
import { FLAG, HEADER, LANE, MAIN_LANE, clockOffset, laneBase, monotonicMs, offsetDelta, readLaneSched, readRequestId } from "./shared-layout.js";

/** A block of the main thread, from detection until its final report. */
export interface MainBlock {
  readonly blockId: number;
  /** Clock offset of the last heartbeat before the block. */
  readonly startedAt: number;
  readonly detectedAt: number;
  /** Heartbeat counter during the block: a snapshot that saw another value ran after it. */
  readonly beat: number;
  readonly schedStart: SchedSample | null;
  readonly slot: { requestId: number; routeIndex: number };
  /** A snapshot taken inside this block, once it arrives. */
  snapshot: Snapshot | null;
  capturePending: boolean;
  /** Called when a pending snapshot arrives (set while the end of the block waits for it). */
  onCaptureSettled?: (() => void) | undefined;
  earlyReported: boolean;
  /** Set when the heartbeat moved again. */
  end: { at: number; sched: SchedSample | null } | null;
}

export interface MainLaneEvents {
  detected(block: MainBlock): void;
  stillBlocked(block: MainBlock, now: number): void;
  ended(block: MainBlock): void;
  /** A debugger stopped the main thread during a block: it is not reported. */
  abandoned(block: MainBlock): void;
}

/**
 * Detection for the main thread, polled by the watchdog thread: no heartbeat for `thresholdMs`
 * starts a block, the next heartbeat ends it. A block's CPU classification starts from the
 * scheduler counters the main thread stored with its last beat, and ends with a sample taken
 * when the beats resume. While the loop runs, {@link nextPollInMs} lets the thread sleep until
 * the last beat is `thresholdMs` old: a few wake-ups a second instead of one per `pollMs`.
 */
export class MainLaneWatch {
  readonly #view: Int32Array;
  readonly #base = laneBase(MAIN_LANE);
  readonly #epoch: number;
  readonly #thresholdMs: number;
  readonly #stillBlockedAfterMs: number;
  readonly #sched: SchedstatReader;
  readonly #events: MainLaneEvents;
  #lastBeat: number;
  #block: MainBlock | null = null;
  #waitForBeat = false;
  #nextBlockId: () => number;

  constructor(options: {
    view: Int32Array;
    epoch: number;
    thresholdMs: number;
    stillBlockedAfterMs: number;
    sched: SchedstatReader;
    events: MainLaneEvents;
    nextBlockId: () => number;
  }) {
    this.#view = options.view;
    this.#epoch = options.epoch;
    this.#thresholdMs = options.thresholdMs;
    this.#stillBlockedAfterMs = options.stillBlockedAfterMs;
    this.#sched = options.sched;
    this.#events = options.events;
    this.#nextBlockId = options.nextBlockId;
    this.#lastBeat = Atomics.load(this.#view, this.#base + LANE.beat);
  }

  /** A debugger stopped the main thread: a stop at a breakpoint is not a block. */
  debuggerPaused(): void {
    const block = this.#block;
    this.#block = null;
    this.#waitForBeat = true;
    if (block !== null) this.#events.abandoned(block);
  }

  poll(): void {
    const view = this.#view;
    if ((Atomics.load(view, HEADER.flags) & FLAG.stopping) !== 0) return;
    const beat = Atomics.load(view, this.#base + LANE.beat);
    if (beat !== this.#lastBeat) {
      this.#lastBeat = beat;
      this.#waitForBeat = false;
      const block = this.#block;
      if (block !== null) {
        this.#block = null;
        block.end = { at: Atomics.load(view, this.#base + LANE.beatAt), sched: this.#sched.sample() };
        this.#events.ended(block);
      }
      return;
    }
    if (this.#waitForBeat) return;
    const now = clockOffset(this.#epoch);
    const blockedFor = offsetDelta(now, Atomics.load(view, this.#base + LANE.beatAt));
    if (this.#block === null) {
      if (blockedFor < this.#thresholdMs) return;
      const schedStart = this.#schedAtLastBeat(beat, blockedFor);
      this.#block = {
        blockId: this.#nextBlockId(),
        startedAt: Atomics.load(view, this.#base + LANE.beatAt),
        detectedAt: now,
        beat,
        schedStart,
        slot: { requestId: readRequestId(view, this.#base), routeIndex: Atomics.load(view, this.#base + LANE.routeIndex) },
        snapshot: null,
        capturePending: false,
        earlyReported: false,
        end: null,
      };
      this.#events.detected(this.#block);
    } else if (!this.#block.earlyReported && blockedFor >= this.#stillBlockedAfterMs) {
      this.#block.earlyReported = true;
      this.#events.stillBlocked(this.#block, now);
    }
  }

  /**
   * How long the watchdog thread may sleep before the next poll: `pollMs` during a block (to see
   * it end) or a debugger pause, else until just after the last beat is `thresholdMs` old. The
   * loop cannot have been blocked for the threshold before then, so a block is seen no later
   * than a poll every `pollMs` would see it (usually earlier).
   */
  nextPollInMs(pollMs: number): number {
    if (this.#block !== null || this.#waitForBeat || (Atomics.load(this.#view, HEADER.flags) & FLAG.stopping) !== 0) return pollMs;
    const blockedFor = offsetDelta(clockOffset(this.#epoch), Atomics.load(this.#view, this.#base + LANE.beatAt));
    // +1: beat times are whole milliseconds, and waking a hair early costs a second wake-up.
    return Math.max(1, this.#thresholdMs - blockedFor + 1);
  }

  /** The counters stored with beat `beat`, `ago` ms back; null if none, or if the thread beat again meanwhile. */
  #schedAtLastBeat(beat: number, ago: number): SchedSample | null {
    const counters = readLaneSched(this.#view, this.#base);
    if (counters === null || Atomics.load(this.#view, this.#base + LANE.beat) !== beat) return null;
    return { atMs: monotonicMs() - ago, ...counters };
  }

  /** The block in progress, if any. */
  get current(): MainBlock | null {
    return this.#block;
  }

  sampleNow(): SchedSample | null {
    return this.#sched.sample();
  }
}
