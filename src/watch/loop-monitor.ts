import { monitorEventLoopDelay, performance, type ELDHistogram, type EventLoopUtilization } from "node:perf_hooks";

/** The event loop over one window (one second): delay percentiles and utilization. */
export interface LoopSample {
  /** Wall-clock end of the window, epoch ms. */
  at: number;
  /** Event-loop delay percentiles and maximum over the window, in ms (averages hide stalls). */
  p50: number;
  p99: number;
  max: number;
  /** Share of the window the loop was busy (event-loop utilization), 0..1. */
  elu: number;
}

const WINDOW_MS = 1000;
const LAG_CHECK_MS = 100;
const HISTORY = 180;
const RESOLUTION_MS = 10;

/**
 * Process-level event-loop health: `monitorEventLoopDelay` read and reset every second into a
 * history (the dashboard's chart, the metrics), event-loop utilization per window, and the
 * current lag (how late a 100 ms timer fired) for load shedding. Its timers are `unref()`'d.
 */
export class LoopMonitor {
  readonly #histogram: ELDHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  readonly #history: LoopSample[] = [];
  /** Over the whole life of the monitor, for metrics (an ELD histogram cannot be added to another). */
  readonly #lifetime: ELDHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  #elu: EventLoopUtilization = performance.eventLoopUtilization();
  #windowTimer: NodeJS.Timeout | undefined;
  #lagTimer: NodeJS.Timeout | undefined;
  #expectedAt = 0;
  #lagMs = 0;
  readonly #listeners = new Set<(sample: LoopSample) => void>();

  start(): void {
    if (this.#windowTimer !== undefined) return;
    this.#histogram.enable();
    this.#lifetime.enable();
    this.#elu = performance.eventLoopUtilization();
    this.#windowTimer = setInterval(() => this.#closeWindow(), WINDOW_MS);
    this.#windowTimer.unref();
    this.#scheduleLagCheck();
  }

  stop(): void {
    clearInterval(this.#windowTimer);
    clearTimeout(this.#lagTimer);
    this.#windowTimer = undefined;
    this.#lagTimer = undefined;
    this.#histogram.disable();
    this.#lifetime.disable();
  }

  /**
   * How late the loop runs, in ms: as measured at the last check (every 100 ms), or how overdue
   * the next check already is, whichever is more. Right after a block, requests read before the
   * check's timer fires already see the loop as late.
   */
  get lagMs(): number {
    const overdue = this.#lagTimer === undefined ? 0 : performance.now() - this.#expectedAt;
    return Math.max(this.#lagMs, overdue);
  }

  /** Windows of the last three minutes, oldest first. */
  get history(): readonly LoopSample[] {
    return this.#history;
  }

  /** Delay percentiles and maximum since the monitor started, in ms. */
  lifetime(): { p50: number; p90: number; p99: number; max: number; count: number } {
    const h = this.#lifetime;
    const count = h.count;
    if (count === 0) return { p50: 0, p90: 0, p99: 0, max: 0, count };
    return { p50: toMs(h.percentile(50)), p90: toMs(h.percentile(90)), p99: toMs(h.percentile(99)), max: toMs(h.max), count };
  }

  /** The latest complete window (zeros before the first one closes). */
  get latest(): LoopSample {
    return this.#history.at(-1) ?? { at: Date.now(), p50: 0, p99: 0, max: 0, elu: 0 };
  }

  /** Called with each window as it closes; returns the function that stops it. */
  onSample(listener: (sample: LoopSample) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #closeWindow(): void {
    const h = this.#histogram;
    const elu = performance.eventLoopUtilization(this.#elu);
    this.#elu = performance.eventLoopUtilization();
    const sample: LoopSample =
      h.count === 0
        ? { at: Date.now(), p50: 0, p99: 0, max: 0, elu: round3(elu.utilization) }
        : { at: Date.now(), p50: toMs(h.percentile(50)), p99: toMs(h.percentile(99)), max: toMs(h.max), elu: round3(elu.utilization) };
    h.reset();
    this.#history.push(sample);
    if (this.#history.length > HISTORY) this.#history.shift();
    for (const listener of this.#listeners) {
      try {
        listener(sample);
      } catch {
        // A listener's failure must not stop the monitor.
      }
    }
  }

  #scheduleLagCheck(): void {
    this.#expectedAt = performance.now() + LAG_CHECK_MS;
    this.#lagTimer = setTimeout(() => {
      this.#lagMs = Math.max(0, performance.now() - this.#expectedAt);
      this.#scheduleLagCheck();
    }, LAG_CHECK_MS);
    this.#lagTimer.unref();
  }
}

/**
 * A delay in ms from the histogram's nanoseconds. The histogram records the time between the
 * firings of its own `RESOLUTION_MS` timer, so that period is taken off (as under-pressure does):
 * what is left is how late the loop was.
 */
function toMs(nanoseconds: number): number {
  return Math.max(0, Math.round(nanoseconds / 1e4 - RESOLUTION_MS * 100) / 100);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

let shared: LoopMonitor | undefined;
let users = 0;

/** The process's loop monitor, started on first use; call the returned function when done. */
export function acquireLoopMonitor(): { monitor: LoopMonitor; release: () => void } {
  const monitor = (shared ??= new LoopMonitor());
  if (users++ === 0) monitor.start();
  let released = false;
  return {
    monitor,
    release: () => {
      if (released) return;
      released = true;
      if (--users === 0) monitor.stop();
    },
  };
}
