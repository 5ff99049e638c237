import { threadId } from "node:worker_threads";
import { monotonicMs } from "../watch/shared-layout.js";
import { performance } from "node:perf_hooks";

/** A call that runs this long or longer on a thread counts as slow. */
export const SHORT_CALL_MS = 10;

/**
 * How a pool's threads tell the main thread, through shared memory, whether their calls are
 * short: when each thread last ended a call, and when any thread last ended a slow one. Written
 * by the threads, read by the pool's balancer ({@link CallStacking}) without a message. Plain
 * (non-atomic) float stores: a stale or torn read only makes one balancing decision more or less
 * cautious.
 *
 * Layout: `Int32Array [slots, ids[slots]]` (a thread's id, claimed by compare-and-swap; 0 = free),
 * then `Float64Array times[1 + slots]`: `times[0]` the end of the last slow call, `times[1 + i]`
 * the end of slot i's last call. Times are milliseconds of the monotonic clock all threads share.
 *
 * @example
 * const buffer = CallClock.allocate(8);      // main thread, handed to each worker in workerData
 * const clock = CallClock.join(buffer);      // in a worker
 * const startedAt = clock?.begin() ?? 0; // ... the call ... ; clock?.end(startedAt)
 */
export class CallClock {
  readonly #ids: Int32Array;
  readonly #times: Float64Array;
  readonly #slot: number;

  private constructor(buffer: SharedArrayBuffer, slot: number) {
    [this.#ids, this.#times] = views(buffer);
    this.#slot = slot;
  }

  /** A table for `threads` threads (with room for replacements that start before the old ones are gone). */
  static allocate(threads: number): SharedArrayBuffer {
    const slots = threads * 2 + 4;
    const buffer = new SharedArrayBuffer(timesOffset(slots) + (slots + 1) * Float64Array.BYTES_PER_ELEMENT);
    new Int32Array(buffer)[0] = slots;
    return buffer;
  }

  /**
   * Claims a slot for thread `thread` (the calling worker's own by default); undefined when the
   * table is full (the thread is then never stacked onto).
   */
  static join(buffer: SharedArrayBuffer, thread = threadId): CallClock | undefined {
    // 0 marks a free slot, and is the main thread's id: only worker threads take part.
    if (!Number.isInteger(thread) || thread <= 0) throw new RangeError(`CallClock.join: a worker thread's id is positive, got ${thread}`);
    const [ids] = views(buffer);
    for (let slot = 0; slot < ids.length; slot++) {
      if (Atomics.compareExchange(ids, slot, 0, thread) === 0) return new CallClock(buffer, slot);
    }
    return undefined;
  }

  /** A call starts on this thread; returns its start time for {@link end}. */
  begin(): number {
    return sharedNow();
  }

  /** The call started at `startedAt` ended. */
  end(startedAt: number): void {
    const now = sharedNow();
    this.#times[1 + this.#slot] = now;
    if (now - startedAt >= SHORT_CALL_MS) this.#times[0] = now;
  }
}

/** The main thread's reading side of a {@link CallClock} table. */
export class CallClockReader {
  readonly #ids: Int32Array;
  readonly #times: Float64Array;
  /** Thread id → slot, learned on first sight and dropped when the thread is destroyed. */
  readonly #slots = new Map<number, number>();

  constructor(buffer: SharedArrayBuffer) {
    [this.#ids, this.#times] = views(buffer);
  }

  /** When a thread last finished a slow call ({@link sharedNow} ms; 0 before any). */
  get lastSlowEnd(): number {
    return this.#times[0]!;
  }

  /** When the thread last ended a call ({@link sharedNow} ms; 0 before any), or undefined for a thread without a slot. */
  lastEnd(thread: number): number | undefined {
    let slot = this.#slots.get(thread);
    if (slot === undefined) {
      slot = this.#ids.indexOf(thread);
      if (slot < 0) return undefined;
      this.#slots.set(thread, slot);
    }
    return this.#times[1 + slot];
  }

  /** The thread is gone: free its slot for a replacement. */
  release(thread: number): void {
    const slot = this.#slots.get(thread) ?? this.#ids.indexOf(thread);
    this.#slots.delete(thread);
    if (slot < 0) return;
    this.#times[1 + slot] = 0;
    Atomics.compareExchange(this.#ids, slot, thread, 0);
  }
}

// performance.now() is this thread's view of the monotonic clock from its own start: one offset
// (taken once, the BigInt read is the slow part) makes it comparable between threads.
const MONOTONIC_OFFSET = monotonicMs() - performance.now();

/** Milliseconds of the process's monotonic clock, comparable between threads. */
export function sharedNow(): number {
  return performance.now() + MONOTONIC_OFFSET;
}

function timesOffset(slots: number): number {
  // After the count and the ids, rounded up: a Float64Array needs an 8-byte aligned offset.
  return Math.ceil(((1 + slots) * Int32Array.BYTES_PER_ELEMENT) / 8) * 8;
}

/** The ids (slot i at index i) and the times of a table from {@link CallClock.allocate}. */
function views(buffer: SharedArrayBuffer): [Int32Array, Float64Array] {
  const slots = new Int32Array(buffer, 0, 1)[0]!;
  return [new Int32Array(buffer, Int32Array.BYTES_PER_ELEMENT, slots), new Float64Array(buffer, timesOffset(slots), slots + 1)];
}
