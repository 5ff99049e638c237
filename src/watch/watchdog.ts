import { findSourceMap, type SourceMapPayload } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, isMainThread } from "node:worker_threads";
import { siblingModuleUrl, workerExecArgv } from "../util/worker-url.js";
import type { BlockReport } from "./block-report.js";
import { formatBlockReport } from "./format.js";
import { inFlightTable } from "./in-flight.js";
import { MainLane, setActiveMainLane } from "./main-lane.js";
import { setActiveThreadLaneSource } from "./pool-lanes.js";
import type { FromWorker, ToWorker, WatchdogWorkerConfig } from "./protocol.js";
import { HEADER, LANE, SESSION, LANE_STATE, laneBase, monotonicMs, sharedBufferSize } from "./shared-layout.js";
import { installSnapshot, type InstalledSnapshot } from "./snapshot.js";
import { StatsRecorder, type WatchdogStats } from "./stats.js";
import type { ThreadLaneGrant } from "./thread-lane.js";
import { defaultWatchdogLogger, type WatchdogLogger } from "./watchdog-logger.js";
import { resolveWatchdogSettings, type WatchdogOptions } from "./watchdog-options.js";
import process from "node:process";

/** How stacks are taken: over the inspector, switched off, or not possible in this process. */
export type CaptureMode = "inspector" | "off" | "unavailable";

/** What `ready` resolves to once the watchdog thread polls (or failed to start). */
export interface WatchdogStatus {
  running: boolean;
  capture: CaptureMode;
  /**
   * True when a debugger may be attached (`inspector.url()` set) and the watchdog listens for
   * its breakpoint stops, which are then not reported as blocks.
   */
  debuggerAware: boolean;
  /** Why capture is unavailable, or why the watchdog is not running. */
  detail?: string;
}

/** A running (or inert) watchdog. */
export interface WatchdogHandle {
  /** False when disabled by `enabled: false`, or when started outside the main thread. */
  readonly enabled: boolean;
  /** Resolves when the watchdog thread is polling; never rejects. */
  readonly ready: Promise<WatchdogStatus>;
  readonly stats: WatchdogStats;
  /**
   * Reserves a heartbeat lane for one worker thread (pass the grant to it, then call
   * `joinThreadLane(grant)` there). Null when not watching or when all lanes are taken.
   */
  allocateThreadLane(): ThreadLaneGrant | null;
  /** Frees a lane whose worker exited; a stall in progress on it ends there. */
  releaseThreadLane(grant: ThreadLaneGrant): void;
  /**
   * Stops the heartbeat and the watchdog thread and disconnects its inspector session. The
   * promise settles when the thread has exited; awaiting it is optional.
   */
  stop(): Promise<void>;
}

export type { WatchdogOptions } from "./watchdog-options.js";
export type { WatchdogLogger } from "./watchdog-logger.js";

/** Time the watchdog thread gets to exit by itself after stop() before it is terminated. */
const STOP_GRACE_MS = 1000;
/** Upper bound of the wait for an open inspector session to close at process.exit(). */
const EXIT_DISCONNECT_WAIT_MS = 1000;

let running = false;

/**
 * Starts the event-loop watchdog: a worker thread that notices when the main thread's loop has
 * not run for `thresholdMs`, takes the stack of the code that blocks it (over an in-process
 * inspector session, no port opened), names the request that code belongs to, classifies the
 * block (on-CPU, off-CPU, waiting for a CPU), maps frames to TypeScript and reports it: to the
 * logger (one line with `pretty`), to `onBlock`, and to {@link WatchdogHandle.stats}. It never
 * keeps the process alive and never delays its exit. One watchdog per process.
 *
 * @example
 * import { startWatchdog } from "loopwise";
 *
 * const watchdog = startWatchdog({
 *   thresholdMs: 100,
 *   pretty: true,
 *   onBlock: (report) => metrics.blocked.inc({ route: report.request?.route ?? "none" }),
 * });
 * // ... later: BLOCKED 1.0 s in GET /report (req 17) at buildReport (src/report.ts:17), 99% on-CPU
 * await watchdog.stop();
 */
export function startWatchdog(options: WatchdogOptions = {}): WatchdogHandle {
  const settings = resolveWatchdogSettings(options);
  if (!settings.enabled) return inertHandle("disabled by options");
  if (!isMainThread) return inertHandle("the watchdog runs on the main thread only; worker threads use thread lanes");
  if (running) throw new Error("a watchdog is already running in this process; stop it first");
  running = true;
  try {
    return new RunningWatchdog(settings);
  } catch (error) {
    running = false;
    throw error;
  }
}

type Settings = ReturnType<typeof resolveWatchdogSettings>;

class RunningWatchdog implements WatchdogHandle {
  readonly enabled = true;
  readonly #ready: Promise<WatchdogStatus>;
  #isReady = false;
  readonly #stats = new StatsRecorder();
  readonly #settings: Settings;
  readonly #logger: WatchdogLogger | null;
  readonly #buffer: SharedArrayBuffer;
  readonly #view: Int32Array;
  readonly #epoch = monotonicMs();
  readonly #worker: Worker;
  readonly #lane: MainLane;
  readonly #snapshot: InstalledSnapshot | null;
  readonly #exited: Promise<void>;
  readonly #onProcessExit = (): void => this.#disconnectBeforeExit();
  #markReady: (status: WatchdogStatus) => void = () => {};
  #stopped = false;
  #workerAlive = true;

  constructor(settings: Settings) {
    this.#settings = settings;
    this.#logger = settings.logger === false ? null : (settings.logger ?? defaultWatchdogLogger(settings.pretty));
    this.#buffer = new SharedArrayBuffer(sharedBufferSize(settings.threadLanes));
    this.#view = new Int32Array(this.#buffer);
    Atomics.store(this.#view, HEADER.laneCount, settings.threadLanes + 1);
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
    void this.#ready.then(() => {
      this.#isReady = true;
      if (!this.#stopped) this.#worker.unref();
    });
    this.#snapshot = settings.captureStacks ? installSnapshot(this.#view, this.#epoch) : null;
    this.#lane = new MainLane(this.#view, this.#epoch, (entry) => this.#post({ type: "route", ...entry }));

    const config: WatchdogWorkerConfig = {
      buffer: this.#buffer,
      epoch: this.#epoch,
      thresholdMs: settings.thresholdMs,
      threadStuckAfterMs: settings.threadStuckAfterMs,
      neverEndingReportAfterMs: settings.neverEndingReportAfterMs,
      rateLimitMs: settings.rateLimitMs,
      pollMs: settings.pollMs,
      snapshotExpression: this.#snapshot?.expression ?? null,
      stuckReportFd: settings.stuckReportFd,
      pretty: settings.pretty,
      cwd: process.cwd(),
      inFlightBuffer: inFlightTable().buffer,
    };
    const url = siblingModuleUrl(import.meta.url, "watchdog-worker");
    try {
      this.#worker = new Worker(url, { workerData: config, execArgv: workerExecArgv(url), name: "loopwise-watchdog" });
    } catch (error) {
      this.#snapshot?.uninstall();
      throw error;
    }
    // Listeners first: a 'message' listener added after unref() refs the worker again.
    this.#worker.on("message", (message: FromWorker) => this.#receive(message));
    this.#worker.on("error", (error) => this.#failed(error));
    this.#exited = new Promise((resolve) =>
      this.#worker.once("exit", () => {
        this.#workerAlive = false;
        process.off("exit", this.#onProcessExit);
        resolve();
      }),
    );
    this.#worker.unref();
    // With --inspect, a session still connected at process.exit() makes Node wait for it.
    process.on("exit", this.#onProcessExit);
    this.#lane.start();
    setActiveMainLane(this.#lane);
    setActiveThreadLaneSource({ buffer: this.#buffer, epoch: this.#epoch });
  }

  /**
   * Asking for it holds the process open until the thread is up (a fraction of a second):
   * otherwise a top-level `await watchdog.ready` could outlive the process.
   */
  get ready(): Promise<WatchdogStatus> {
    if (!this.#isReady && !this.#stopped) this.#worker.ref();
    return this.#ready;
  }

  get stats(): WatchdogStats {
    return this.#stats;
  }

  allocateThreadLane(): ThreadLaneGrant | null {
    if (this.#stopped) return null;
    for (let lane = 1; lane <= this.#settings.threadLanes; lane++) {
      const state = laneBase(lane) + LANE.state;
      if (Atomics.compareExchange(this.#view, state, LANE_STATE.free, LANE_STATE.reserved) === LANE_STATE.free) {
        return { buffer: this.#buffer, lane, epoch: this.#epoch };
      }
    }
    return null;
  }

  releaseThreadLane(grant: ThreadLaneGrant): void {
    if (grant.buffer !== this.#buffer) throw new Error("this thread lane grant belongs to another watchdog");
    if (!Number.isInteger(grant.lane) || grant.lane < 1 || grant.lane > this.#settings.threadLanes) {
      throw new RangeError(`thread lane ${String(grant.lane)} does not exist`);
    }
    Atomics.store(this.#view, laneBase(grant.lane) + LANE.state, LANE_STATE.free);
  }

  stop(): Promise<void> {
    if (this.#stopped) return this.#exited;
    this.#shutDown();
    // A thread still loading must not open its session now: it could be terminated with it open.
    Atomics.compareExchange(this.#view, HEADER.session, SESSION.none, SESSION.closed);
    this.#post({ type: "stop" });
    // Held only while the thread exits (it disconnects its session and ends at once); the
    // timer is the bound if it cannot.
    this.#worker.ref();
    const kill = setTimeout(() => void this.#worker.terminate(), STOP_GRACE_MS);
    void this.#exited.then(() => clearTimeout(kill));
    return this.#exited;
  }

  #shutDown(): void {
    this.#stopped = true;
    running = false;
    this.#lane.stop();
    setActiveMainLane(undefined);
    setActiveThreadLaneSource(undefined);
    this.#snapshot?.uninstall();
    // The exit hook stays until the thread has exited: a process.exit() while stop() is still
    // under way must wait for the session to go too.
    this.#markReady({ running: false, capture: "off", debuggerAware: false, detail: "stopped" });
  }

  /**
   * At process.exit() Node checks for connected inspector sessions: it prints "Waiting for the
   * debugger to disconnect..." and, under --inspect, waits for them. A thread that has not opened
   * its session yet (still loading) is told not to; one that has is asked to close it, and the
   * wait for that is bounded: it answers within milliseconds unless the machine is starved.
   */
  #disconnectBeforeExit(): void {
    if (this.#snapshot === null || !this.#workerAlive) return;
    const session = Atomics.compareExchange(this.#view, HEADER.session, SESSION.none, SESSION.closed);
    if (session !== SESSION.open) return;
    this.#post({ type: "stop" });
    Atomics.wait(this.#view, HEADER.session, SESSION.open, EXIT_DISCONNECT_WAIT_MS);
  }

  #post(message: ToWorker): void {
    try {
      this.#worker.postMessage(message);
    } catch {
      // The thread is gone; what it would have received no longer matters.
    }
  }

  #receive(message: FromWorker): void {
    switch (message.type) {
      case "ready":
        if (message.capture === "unavailable") {
          this.#logger?.warn({ detail: message.detail }, "watchdog: stack capture unavailable, reporting blocks without stacks");
        }
        this.#markReady({
          running: true,
          capture: message.capture,
          debuggerAware: message.debuggerAware,
          ...(message.detail === undefined ? {} : { detail: message.detail }),
        });
        break;
      case "block":
        this.#onReport({ ...message.report, at: new Date(message.report.at) }, message.suppressed, message.written);
        break;
      case "source-map":
        this.#post({ type: "source-map", requestId: message.requestId, payload: sourceMapOf(message.file) });
        break;
      case "warning":
        this.#logger?.warn(message.message);
        break;
    }
  }

  #onReport(report: BlockReport, suppressed: boolean, written: boolean): void {
    this.#stats.record(report, suppressed);
    if (suppressed) return;
    if (!written && this.#logger !== null) {
      if (this.#settings.pretty) this.#logger.warn(formatBlockReport(report));
      else this.#logger.warn({ block: report }, logMessage(report));
    }
    try {
      this.#settings.onBlock?.(report);
    } catch (error) {
      this.#logger?.error({ err: error }, "watchdog: onBlock threw");
    }
  }

  #failed(error: Error): void {
    this.#logger?.error({ err: error }, "watchdog thread failed; event-loop blocks are no longer detected");
    if (!this.#stopped) this.#shutDown();
  }
}

/** Whether a watchdog runs in this process (there can be one). */
export function watchdogRunning(): boolean {
  return running;
}

function logMessage(report: BlockReport): string {
  if (report.thread !== "main") return report.ended ? "thread-lane worker was stuck" : "thread-lane worker stuck";
  return report.ended ? "event loop blocked" : "event loop still blocked";
}

/** The map Node keeps for a file loaded through a transpiling loader, without its sources. */
function sourceMapOf(file: string): SourceMapPayload | null {
  try {
    const map = findSourceMap(file) ?? findSourceMap(pathToFileURL(file).href);
    if (map === undefined) return null;
    const { version, file: generated, sources, names, mappings, sourceRoot } = map.payload;
    return { version, file: generated, sources, names, mappings, sourceRoot, sourcesContent: [] };
  } catch {
    return null;
  }
}

function inertHandle(reason: string): WatchdogHandle {
  const stats = new StatsRecorder();
  return {
    enabled: false,
    ready: Promise.resolve({ running: false, capture: "off", debuggerAware: false, detail: reason }),
    stats,
    allocateThreadLane: () => null,
    releaseThreadLane: () => {},
    stop: () => Promise.resolve(),
  };
}
