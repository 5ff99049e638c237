import type { SourceMapPayload } from "node:module";
import type { BlockReport } from "./block-report.js";

/** What the watchdog thread needs to know at start (its `workerData`). */
export interface WatchdogWorkerConfig {
  buffer: SharedArrayBuffer;
  epoch: number;
  thresholdMs: number;
  threadStuckAfterMs: number;
  neverEndingReportAfterMs: number;
  rateLimitMs: number;
  pollMs: number;
  /** Runtime.evaluate expression that runs the snapshot; null: do not capture stacks. */
  snapshotExpression: string | null;
  /** fd the watchdog writes reports to when the main thread cannot (null: do not). */
  stuckReportFd: number | null;
  pretty: boolean;
  cwd: string;
  /** The process's in-flight request table (see in-flight-layout.ts). */
  inFlightBuffer: SharedArrayBuffer;
}

/** A block report as it crosses threads (`at` as epoch milliseconds). */
export type WireReport = Omit<BlockReport, "at"> & { at: number };

export type ToWorker =
  | { type: "route"; index: number; method: string; route: string }
  | { type: "source-map"; requestId: number; payload: SourceMapPayload | null }
  | { type: "stop" };

export type FromWorker =
  | { type: "ready"; capture: "inspector" | "off" | "unavailable"; debuggerAware: boolean; detail?: string }
  | {
      type: "block";
      report: WireReport;
      /** Rate-limited: count it, do not log it or call onBlock. */
      suppressed: boolean;
      /** The watchdog already wrote it to `stuckReportFd` (the main thread was stuck). */
      written: boolean;
    }
  | { type: "source-map"; requestId: number; file: string }
  | { type: "warning"; message: string };
