import { CallClockReader, SHORT_CALL_MS, sharedNow } from "./call-clock.js";

/** How long after a slow call ended the pool keeps handing out calls one per thread. */
export const SLOW_CALL_MEMORY_MS = 1000;

/** What the balancer sees of a piscina thread. */
interface ThreadView {
  readonly id: number;
  readonly currentUsage: number;
  readonly isRunningAbortableTask: boolean;
}

/**
 * Decides when a busy thread may be handed another call before its current one ends ("stacking").
 *
 * A thread handed one call at a time sleeps and wakes once per call: for a handler that runs in
 * microseconds the two thread switches cost more than the handler. A thread handed several calls
 * reads them all in one wake-up. The risk is head-of-line blocking: a call stacked behind a slow
 * one waits for it even when another thread frees up first. So a call is stacked only onto a
 * thread that ended a call within the last {@link SHORT_CALL_MS} (a thread that just began a
 * call after being idle, or is stuck in one, is not stacked onto), and only when no thread ended
 * a call that long within the last {@link SLOW_CALL_MEMORY_MS}: the threads report both through
 * shared memory ({@link CallClock}). What remains is a short call stacked in the few
 * milliseconds after a busy thread moved on from quick calls to a slow one. An idle thread is
 * always preferred, and a call with a timeout (abortable in piscina) is never stacked, nor
 * stacked behind.
 *
 * @example
 * const stacking = new CallStacking(4, CallClock.allocate(size));
 * new Piscina({ concurrentTasksPerWorker: 4, loadBalancer: (task, threads) => stacking.balance(task, threads) });
 */
export class CallStacking {
  readonly #limit: number;
  readonly #clock: CallClockReader;

  /** @param limit Most calls one thread is handed at once (1: never stack). */
  constructor(limit: number, clock: SharedArrayBuffer) {
    this.#limit = limit;
    this.#clock = new CallClockReader(clock);
  }

  /** Most calls one thread may be handed at once. */
  get limit(): number {
    return this.#limit;
  }

  /** piscina's `loadBalancer`: an idle thread, else a busy one that is getting through short calls, else none (the call queues). */
  balance<T extends ThreadView>(task: { readonly isAbortable: boolean }, threads: readonly T[]): T | null {
    let candidate: T | null = null;
    let usage = this.#limit;
    for (const thread of threads) {
      const current = thread.currentUsage;
      if (current === 0) return thread;
      if (task.isAbortable || thread.isRunningAbortableTask) continue;
      if (current < usage) {
        candidate = thread;
        usage = current;
      }
    }
    if (candidate === null) return null;
    const now = sharedNow();
    if (now - this.#clock.lastSlowEnd < SLOW_CALL_MEMORY_MS) return null;
    const lastEnd = this.#clock.lastEnd(candidate.id);
    return lastEnd !== undefined && now - lastEnd < SHORT_CALL_MS ? candidate : null;
  }

  /** The thread is gone: its slot in the clock is free again. */
  released(thread: number): void {
    this.#clock.release(thread);
  }
}
