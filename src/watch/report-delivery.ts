import { writeSync } from "node:fs";
import type { SourceMapPayload } from "node:module";
import type { BlockFrame } from "./block-report.js";
import { blockFingerprint } from "./fingerprint.js";
import { formatBlockReport } from "./format.js";
import type { FromWorker, WatchdogWorkerConfig, WireReport } from "./protocol.js";
import { FingerprintRateLimiter, type RateDecision } from "./rate-limit.js";
import { monotonicMs } from "./shared-layout.js";
import type { RawFrame } from "./snapshot.js";
import { SourceMapResolver } from "./source-maps.js";
import process from "node:process";

/** Where reports and map requests go (the watchdog thread's parentPort). */
export interface ReportPort {
  postMessage(message: FromWorker): void;
}

/** What one block's reports share: decided at its first report. */
export interface Verdict {
  fingerprint: string;
  /** Wall-clock start of the block (epoch ms), fixed so all its reports agree. */
  at: number;
  decision: RateDecision;
  /** The last delivery of this block, so a final report never overtakes its early one. */
  delivered: Promise<void>;
}

const MAIN_THREAD_MAP_TIMEOUT_MS = 2000;

/**
 * The watchdog thread's outbox: decides once per block whether it is reported (rate limit per
 * fingerprint), maps its frames to TypeScript, writes it itself when the main thread is stuck,
 * and posts it to the main thread (which counts every block, and logs and calls `onBlock` for
 * those that are reported).
 */
export class ReportDelivery {
  readonly #config: WatchdogWorkerConfig;
  readonly #port: ReportPort;
  readonly #limiter: FingerprintRateLimiter;
  readonly #resolver: SourceMapResolver;
  readonly #verdicts = new Map<number, Verdict>();
  readonly #mapRequests = new Map<number, (payload: SourceMapPayload | null) => void>();
  #nextMapRequest = 1;

  constructor(config: WatchdogWorkerConfig, port: ReportPort) {
    this.#config = config;
    this.#port = port;
    this.#limiter = new FingerprintRateLimiter(config.rateLimitMs);
    this.#resolver = new SourceMapResolver((file) => this.#askMainThreadForMap(file));
  }

  /** The verdict of block `blockId`, taken now if this is its first report. */
  verdict(blockId: number, startedAt: number, frames: readonly RawFrame[], thread: WireReport["thread"], route: string): Verdict {
    let verdict = this.#verdicts.get(blockId);
    if (verdict === undefined) {
      const fingerprint = blockFingerprint(frames, thread, route);
      verdict = {
        fingerprint,
        at: this.#wallClockOf(startedAt),
        decision: this.#limiter.decide(fingerprint, monotonicMs()),
        delivered: Promise.resolve(),
      };
      this.#verdicts.set(blockId, verdict);
    }
    return verdict;
  }

  /** A block that will have no further report (ended, or dropped). */
  forget(blockId: number): void {
    this.#verdicts.delete(blockId);
  }

  /**
   * Sends one report of a block. `mainThreadFree`: the main thread can answer map requests.
   * `writeItself`: also write it to `stuckReportFd`, because the main thread cannot log it.
   */
  deliver(
    verdict: Verdict,
    rawFrames: readonly RawFrame[],
    options: { mainThreadFree: boolean; writeItself: boolean },
    build: (frames: BlockFrame[]) => WireReport,
  ): void {
    const suppressed = !verdict.decision.report;
    verdict.delivered = verdict.delivered
      .then(async () => {
        // Held-back reports only feed counters: not worth mapping.
        const frames = suppressed
          ? rawFrames.map((frame) => ({ ...frame }))
          : await this.#resolver.resolve(rawFrames, options.mainThreadFree);
        const report = build(frames);
        const written = options.writeItself && !suppressed && this.#write(report);
        this.#port.postMessage({ type: "block", report, suppressed, written });
      })
      .catch((error: unknown) => {
        this.#port.postMessage({ type: "warning", message: `watchdog report failed: ${String(error)}` });
      });
  }

  /** The main thread's answer to a map request. */
  answerMapRequest(requestId: number, payload: SourceMapPayload | null): void {
    this.#mapRequests.get(requestId)?.(payload);
  }

  close(): void {
    for (const answer of this.#mapRequests.values()) answer(null);
  }

  /** Writes a report straight to the configured fd: the main thread's stdout would wait for it. */
  #write(report: WireReport): boolean {
    const fd = this.#config.stuckReportFd;
    if (fd === null) return false;
    const line = this.#config.pretty
      ? formatBlockReport({ ...report, at: new Date(report.at) }, { cwd: this.#config.cwd })
      : JSON.stringify({
          level: 40,
          time: Date.now(),
          pid: process.pid,
          msg: report.thread === "main" ? "event loop still blocked" : "thread-lane worker stuck",
          block: { ...report, at: new Date(report.at).toISOString() },
        });
    try {
      writeSync(fd, `${line}\n`);
      return true;
    } catch {
      return false;
    }
  }

  #askMainThreadForMap(file: string): Promise<SourceMapPayload | null> {
    const requestId = this.#nextMapRequest++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => answer(null), MAIN_THREAD_MAP_TIMEOUT_MS);
      const answer = (payload: SourceMapPayload | null): void => {
        clearTimeout(timer);
        this.#mapRequests.delete(requestId);
        resolve(payload);
      };
      this.#mapRequests.set(requestId, answer);
      this.#port.postMessage({ type: "source-map", requestId, file });
    });
  }

  /** Wall-clock time (epoch ms) of a clock offset. */
  #wallClockOf(offset: number): number {
    return Date.now() - (monotonicMs() - this.#config.epoch - offset);
  }
}
