import { createHistogram, performance, type EventLoopUtilization, type RecordableHistogram } from "node:perf_hooks";

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
/** The probe timer's period: each firing records how late it was. */
const PROBE_MS = 20;
const HISTORY = 180;
/**
 * Delays in microseconds up to a day, to 2 significant figures: the counts take ~30 KB. Node's
 * default histogram (3 figures, up to 2^53) takes ~360 KB, and the window's reset clears all of
 * it every second.
 */
const HIGHEST_US = 86_400_000_000;
const histogramRange = { lowest: 1, highest: HIGHEST_US, figures: 2 } as const;

/**
 * Process-level event-loop health: how late a 20 ms probe timer fires, recorded into a
 * histogram read and reset every second into a history (the dashboard's chart, the metrics) and
 * into a lifetime one, event-loop utilization per window, and the current lag for load
 * shedding. One `unref()`'d timer does all of it: two `monitorEventLoopDelay` histograms at
 * its usual 10 ms resolution looked costly under load here (a few µs of main-thread CPU per
 * request, within the noise of the machine), and a 20 ms probe is precise enough for a
 * per-second chart, percentiles and shedding.
 */
export class LoopMonitor {
  readonly #window: RecordableHistogram = createHistogram(histogramRange);
  readonly #lifetime: RecordableHistogram = createHistogram(histogramRange);
  readonly #history: LoopSample[] = [];
  #elu: EventLoopUtilization = performance.eventLoopUtilization();
  #timer: NodeJS.Timeout | undefined;
  #expectedAt = 0;
  #lagMs = 0;
  #windowEndsAt = 0;
  readonly #listeners = new Set<(sample: LoopSample) => void>();

  start(): void {
    if (this.#timer !== undefined) return;
    this.#elu = performance.eventLoopUtilization();
    this.#windowEndsAt = performance.now() + WINDOW_MS;
    this.#schedule();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * How late the loop runs, in ms: as measured by the last probe, or how overdue the next probe
   * already is, whichever is more. Right after a block, requests read before the probe fires
   * already see the loop as late.
   */
  get lagMs(): number {
    const overdue = this.#timer === undefined ? 0 : performance.now() - this.#expectedAt;
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

  #schedule(): void {
    this.#expectedAt = performance.now() + PROBE_MS;
    this.#timer = setTimeout(() => this.#probe(), PROBE_MS);
    this.#timer.unref();
  }

  #probe(): void {
    const now = performance.now();
    this.#lagMs = Math.max(0, now - this.#expectedAt);
    // The histograms take integers: microseconds.
    const microseconds = Math.min(HIGHEST_US, Math.max(1, Math.round(this.#lagMs * 1e3)));
    this.#window.record(microseconds);
    // Recorded twice rather than added once per window: adding walks every bucket of the histogram.
    this.#lifetime.record(microseconds);
    if (now >= this.#windowEndsAt) this.#closeWindow(now);
    this.#schedule();
  }

  #closeWindow(now: number): void {
    const h = this.#window;
    const elu = performance.eventLoopUtilization(this.#elu);
    this.#elu = performance.eventLoopUtilization();
    const sample: LoopSample = { at: Date.now(), p50: toMs(h.percentile(50)), p99: toMs(h.percentile(99)), max: toMs(h.max), elu: round3(elu.utilization) };
    h.reset();
    this.#windowEndsAt = now + WINDOW_MS;
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
}

/** A delay in ms, to 0.01, from the histogram's microseconds. */
function toMs(microseconds: number): number {
  return Math.round(microseconds / 10) / 100;
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
