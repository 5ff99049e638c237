import type { Attribution, BlockRequest } from "./block-report.js";
import { readInFlight, type InFlightRequest } from "./in-flight-layout.js";
import { MainThreadInspector } from "./inspector-link.js";
import { MainLaneWatch, type MainBlock } from "./main-lane-watch.js";
import type { ToWorker, WatchdogWorkerConfig, WireReport } from "./protocol.js";
import { ReportDelivery, type ReportPort } from "./report-delivery.js";
import { SchedstatReader, classify, type SchedSample } from "./schedstat.js";
import { FLAG, HEADER, SESSION, monotonicMs, offsetDelta } from "./shared-layout.js";
import type { Snapshot } from "./snapshot.js";
import { ThreadLanesWatch, type LaneStall } from "./thread-lanes-watch.js";
import process from "node:process";

/** How long to wait, after a block ended, for a snapshot that may still be on its way. */
const LATE_SNAPSHOT_WAIT_MS = 250;
const MAX_REPORT_FRAMES = 32;

/**
 * The watchdog thread's work: polls the heartbeats, takes a snapshot of the main thread when its
 * loop is blocked, classifies the block from schedstat and names who is to blame; its
 * {@link ReportDelivery} rate-limits, maps frames to TypeScript and sends the reports.
 */
export class Watcher {
  readonly #config: WatchdogWorkerConfig;
  readonly #port: ReportPort;
  readonly #view: Int32Array;
  readonly #routes = new Map<number, { method: string; route: string }>();
  readonly #delivery: ReportDelivery;
  readonly #mainSched: SchedstatReader;
  readonly #main: MainLaneWatch;
  readonly #lanes: ThreadLanesWatch;
  #inspector: MainThreadInspector | null = null;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #nextBlockId = 1;
  /** What was in flight when each main-thread block was detected, until its final report. */
  readonly #inFlightAt = new Map<number, InFlightRequest[]>();

  constructor(config: WatchdogWorkerConfig, port: ReportPort) {
    this.#config = config;
    this.#port = port;
    this.#view = new Int32Array(config.buffer);
    this.#delivery = new ReportDelivery(config, port);
    // The main thread's tid is the process id.
    this.#mainSched = new SchedstatReader(process.pid);
    const nextBlockId = (): number => this.#nextBlockId++;
    this.#main = new MainLaneWatch({
      view: this.#view,
      epoch: config.epoch,
      thresholdMs: config.thresholdMs,
      stillBlockedAfterMs: config.neverEndingReportAfterMs,
      sched: this.#mainSched,
      nextBlockId,
      events: {
        detected: (block) => {
          this.#noteInFlight(block.blockId);
          this.#capture(block);
        },
        stillBlocked: (block, now) => this.#reportMain(block, now, this.#main.sampleNow()),
        ended: (block) => this.#whenCaptureSettled(block, () => this.#reportMain(block, block.end!.at, block.end!.sched)),
        abandoned: (block) => {
          this.#inFlightAt.delete(block.blockId);
          this.#delivery.forget(block.blockId);
        },
      },
    });
    this.#lanes = new ThreadLanesWatch({
      buffer: config.buffer,
      epoch: config.epoch,
      stuckAfterMs: config.threadStuckAfterMs,
      nextBlockId,
      events: {
        stuck: (stall, now) => this.#reportLane(stall, now, stall.sched.sample(), false),
        ended: (stall, endedAt, sched) => this.#reportLane(stall, endedAt, sched, true),
      },
    });
  }

  start(): void {
    let capture: "inspector" | "off" | "unavailable" = "off";
    let detail: string | undefined;
    if (this.#config.snapshotExpression !== null && !this.#mayOpenSession()) {
      detail = "the process is exiting";
    } else if (this.#config.snapshotExpression !== null) {
      const link = MainThreadInspector.connect();
      if (link instanceof Error) {
        Atomics.store(this.#view, HEADER.session, SESSION.closed);
        capture = "unavailable";
        detail = link.message;
      } else {
        capture = "inspector";
        this.#inspector = link;
        link.onPauseChange((paused) => {
          if (paused) this.#main.debuggerPaused();
        });
      }
    }
    this.#schedulePoll(this.#config.pollMs);
    const ready = (debuggerAware: boolean): void =>
      this.#port.postMessage({ type: "ready", capture, debuggerAware, ...(detail === undefined ? {} : { detail }) });
    // With a debugger possibly attached from the start, be ready only once pauses are heard.
    if (this.#inspector !== null && this.#inspectorActive()) this.#inspector.observeDebugger(() => ready(true));
    else ready(false);
  }

  handle(message: ToWorker): void {
    switch (message.type) {
      case "route":
        this.#routes.set(message.index, { method: message.method, route: message.route });
        break;
      case "source-map":
        this.#delivery.answerMapRequest(message.requestId, message.payload);
        break;
      case "stop":
        this.stop();
        break;
    }
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inspector?.disconnect();
    Atomics.store(this.#view, HEADER.session, SESSION.closed);
    Atomics.notify(this.#view, HEADER.session);
    this.#mainSched.close();
    this.#lanes.close();
    this.#delivery.close();
  }

  /** Claims the session slot; false when the main thread already began to exit (it will not wait for us). */
  #mayOpenSession(): boolean {
    return Atomics.compareExchange(this.#view, HEADER.session, SESSION.none, SESSION.open) === SESSION.none;
  }

  #inspectorActive(): boolean {
    return (Atomics.load(this.#view, HEADER.flags) & FLAG.inspectorActive) !== 0;
  }

  #poll(): void {
    if (this.#inspector !== null && !this.#inspector.observingDebugger && this.#inspectorActive()) {
      this.#inspector.observeDebugger();
    }
    if (this.#inspector?.paused !== true) this.#main.poll();
    this.#lanes.poll();
  }

  /**
   * Polls after `delayMs`, then again as the lanes allow: every `pollMs` while thread lanes are
   * joined or the main thread is blocked, else when its last beat reaches the threshold (a
   * setTimeout chain, not an interval: woken from sleep, each poll cost this thread ~75 µs).
   */
  #schedulePoll(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      try {
        this.#poll();
      } finally {
        // Even after a throw, as the interval this replaces would have.
        const pollMs = this.#config.pollMs;
        if (!this.#stopped) this.#schedulePoll(this.#lanes.watching ? pollMs : this.#main.nextPollInMs(pollMs));
      }
    }, delayMs);
  }

  /** Reads the in-flight table now: the block may never end, and the table will change if it does. */
  #noteInFlight(blockId: number): void {
    try {
      const inFlight = readInFlight(this.#config.inFlightBuffer, monotonicMs());
      if (inFlight.length > 0) this.#inFlightAt.set(blockId, inFlight);
    } catch {
      // A table this thread cannot read only costs the report its list.
    }
  }

  #capture(block: MainBlock): void {
    const link = this.#inspector;
    const expression = this.#config.snapshotExpression;
    if (link === null || expression === null) return;
    block.capturePending = true;
    link.evaluate(expression, (value) => {
      block.capturePending = false;
      const snapshot = asSnapshot(value);
      // A snapshot that saw another heartbeat ran after the block, in unrelated code.
      if (snapshot !== null && snapshot.beat === block.beat) block.snapshot = snapshot;
      block.onCaptureSettled?.();
    });
  }

  /** Runs `then` once the block's snapshot has arrived, or could no longer be from this block. */
  #whenCaptureSettled(block: MainBlock, then: () => void): void {
    if (!block.capturePending) return then();
    const timer = setTimeout(() => {
      block.onCaptureSettled = undefined;
      then();
    }, LATE_SNAPSHOT_WAIT_MS);
    block.onCaptureSettled = () => {
      clearTimeout(timer);
      block.onCaptureSettled = undefined;
      then();
    };
  }

  #reportMain(block: MainBlock, at: number, schedEnd: SchedSample | null): void {
    const ended = block.end !== null;
    const snapshot = block.snapshot;
    let request: BlockRequest | undefined;
    let attribution: Attribution = "none";
    let outsideRequest = false;
    let origin: string | undefined;
    if (snapshot !== null) {
      attribution = "context";
      if (snapshot.request !== null) {
        const { answered, ...blamed } = snapshot.request;
        request = blamed;
        // Code the request left behind (a timer it set) ran after its response: not in it any more.
        outsideRequest = answered === true;
      } else outsideRequest = true;
      if (outsideRequest && snapshot.origin !== null) origin = snapshot.origin;
    } else if (block.slot.requestId > 0) {
      attribution = "slot";
      const route = this.#routes.get(block.slot.routeIndex);
      request = { id: block.slot.requestId, method: route?.method ?? "", route: route?.route ?? "" };
    }
    const rawFrames = snapshot?.frames.slice(0, MAX_REPORT_FRAMES) ?? [];
    const verdict = this.#delivery.verdict(block.blockId, block.startedAt, rawFrames, "main", request?.route ?? "");
    const captureLagMs = snapshot === null ? null : Math.max(0, offsetDelta(snapshot.landedAt, block.detectedAt));
    const inFlight = this.#inFlightAt.get(block.blockId);
    const base = {
      blockId: block.blockId,
      durationMs: Math.max(0, offsetDelta(at, block.startedAt)),
      capturedDuring: snapshot !== null && this.#capturedDuring(snapshot, block, at),
      captureLagMs,
      detectedAfterMs: Math.max(0, offsetDelta(block.detectedAt, block.startedAt)),
      ended,
      class: classify(block.schedStart, schedEnd),
      attribution,
      outsideRequest,
      fingerprint: verdict.fingerprint,
      suppressedBefore: verdict.decision.suppressedBefore,
      thread: "main" as const,
      at: verdict.at,
      ...(request === undefined ? {} : { request }),
      ...(origin === undefined ? {} : { origin }),
      ...(inFlight === undefined ? {} : { inFlight }),
    };
    // While the main thread is stuck, only the watchdog can say so: write the report itself.
    this.#delivery.deliver(verdict, rawFrames, { mainThreadFree: ended, writeItself: !ended }, (frames) => ({
      ...base,
      frames,
    }));
    if (ended) {
      this.#delivery.forget(block.blockId);
      this.#inFlightAt.delete(block.blockId);
    }
  }

  #reportLane(stall: LaneStall, at: number, schedEnd: SchedSample | null, ended: boolean): void {
    const route = stall.route === null ? "" : joinRoute(stall.route.method, stall.route.route);
    const verdict = this.#delivery.verdict(stall.blockId, stall.startedAt, [], { workerId: stall.workerId, route }, route);
    const report: Omit<WireReport, "frames"> = {
      blockId: stall.blockId,
      durationMs: Math.max(0, offsetDelta(at, stall.startedAt)),
      capturedDuring: false,
      captureLagMs: null,
      detectedAfterMs: Math.max(0, offsetDelta(stall.detectedAt, stall.startedAt)),
      ended,
      class: classify(stall.schedStart, schedEnd),
      attribution: stall.request === null ? "none" : "lane",
      // A task has a name but no request; only an idle worker runs nothing of ours.
      outsideRequest: stall.route === null,
      fingerprint: verdict.fingerprint,
      suppressedBefore: verdict.decision.suppressedBefore,
      thread: { workerId: stall.workerId, route },
      at: verdict.at,
      ...(stall.request === null ? {} : { request: { ...stall.request } }),
    };
    // The main thread is free to log these itself.
    this.#delivery.deliver(verdict, [], { mainThreadFree: true, writeItself: false }, (frames) => ({
      ...report,
      frames,
    }));
    if (ended) this.#delivery.forget(stall.blockId);
  }

  /**
   * Whether the stack was taken while the block still went on, rather than as it ended. A stack
   * requested at detection lands within a few ms when the blocked code runs JavaScript or a
   * builtin that serves interrupts; a native call serves it only when it returns, at the end. A
   * lag beyond the grace still counts as "during" when the block lasted at least as long again
   * after it (a starved CPU can delay an interrupt too).
   */
  #capturedDuring(snapshot: Snapshot, block: MainBlock, at: number): boolean {
    const lag = offsetDelta(snapshot.landedAt, block.detectedAt);
    const grace = Math.max(20, Math.min(100, this.#config.thresholdMs / 2));
    return lag <= grace || offsetDelta(at, snapshot.landedAt) >= lag;
  }
}

function joinRoute(method: string, route: string): string {
  return method === "" ? route : `${method} ${route}`;
}

/** Checks the shape of what came back from the main thread before trusting it. */
function asSnapshot(value: unknown): Snapshot | null {
  if (typeof value !== "object" || value === null) return null;
  const candidate = value as Partial<Snapshot>;
  if (typeof candidate.beat !== "number" || typeof candidate.landedAt !== "number" || !Array.isArray(candidate.frames)) {
    return null;
  }
  return candidate as Snapshot;
}
