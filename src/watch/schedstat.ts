import { closeSync, openSync, readSync } from "node:fs";
import type { BlockClass } from "./block-report.js";
import { monotonicMs } from "./shared-layout.js";
import { Buffer } from "node:buffer";

/** Cumulative scheduler times of one thread, with the moment they were read. */
export interface SchedSample {
  atMs: number;
  /** Time spent on a CPU. */
  runNs: number;
  /** Time spent runnable, waiting for a CPU. */
  waitNs: number;
}

/** Parses `/proc/.../schedstat` ("run_ns wait_ns timeslices"); null for anything else. */
export function parseSchedstat(text: string): { runNs: number; waitNs: number } | null {
  const match = /^(\d{1,20}) (\d{1,20}) \d{1,20}\s*$/.exec(text);
  if (match === null) return null;
  const runNs = Number(match[1]);
  const waitNs = Number(match[2]);
  return Number.isFinite(runNs) && Number.isFinite(waitNs) ? { runNs, waitNs } : null;
}

/**
 * Reads one thread's schedstat with a kept file descriptor (one pread, a few µs). Gives null
 * from the start, or from the first failure on, where the file is missing or unreadable.
 */
export class SchedstatReader {
  readonly #buffer = Buffer.alloc(96);
  #fd: number | undefined;

  constructor(tid: number, procRoot = "/proc") {
    if (!Number.isInteger(tid) || tid <= 0) return;
    try {
      this.#fd = openSync(`${procRoot}/self/task/${tid}/schedstat`, "r");
    } catch {
      this.#fd = undefined;
    }
  }

  get available(): boolean {
    return this.#fd !== undefined;
  }

  sample(): SchedSample | null {
    const counters = this.counters();
    return counters === null ? null : { atMs: monotonicMs(), ...counters };
  }

  /** The counters alone, without the clock read of {@link sample} (the heartbeat times its own). */
  counters(): { runNs: number; waitNs: number } | null {
    if (this.#fd === undefined) return null;
    try {
      const length = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, 0);
      const parsed = parseSchedstat(this.#buffer.toString("latin1", 0, length));
      if (parsed === null) throw new Error("unexpected schedstat content");
      return parsed;
    } catch {
      this.close();
      return null;
    }
  }

  close(): void {
    if (this.#fd === undefined) return;
    try {
      closeSync(this.#fd);
    } catch {
      // Already closed: nothing to release.
    }
    this.#fd = undefined;
  }
}

/** Splits the wall time between two samples into on-CPU, runqueue and off-CPU shares. */
export function classify(start: SchedSample | null, end: SchedSample | null): BlockClass | null {
  if (start === null || end === null) return null;
  const wallNs = (end.atMs - start.atMs) * 1e6;
  if (!(wallNs > 0)) return null;
  const onCpu = clampShare((end.runNs - start.runNs) / wallNs);
  const runqueue = clampShare(Math.min((end.waitNs - start.waitNs) / wallNs, 1 - onCpu));
  const offCpu = clampShare(1 - onCpu - runqueue);
  return { onCpu: round(onCpu), offCpu: round(offCpu), runqueue: round(runqueue) };
}

function clampShare(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
