import { errorResponse, type ErrorFormat } from "../errors/error-response.js";
import type { Request } from "../request.js";
import type { Response } from "../responses/response.js";
import type { AppWatchSettings } from "./app-watch-options.js";

type SheddingSettings = NonNullable<AppWatchSettings["shed"]>;

/** Why a request was refused (the label of the metric). */
export type ShedReason = "event_loop_delay" | "in_flight" | "pool_queue";

/** What the shedder reads about the process, each time a request arrives. */
export interface PressureGauges {
  /** How late the event loop runs now, in ms. */
  lagMs(): number;
  /** The app's requests in flight, this one not counted. */
  inFlight(): number;
  /** Thread-lane calls waiting for a thread (sampled, not exact). */
  poolQueue(): number;
}

/**
 * Load shedding in the manner of uvicorn's `--limit-concurrency` and Fastify's under-pressure:
 * past a limit, a new request is answered at once with 503 and `Retry-After`, before any of its
 * work starts, so the requests already accepted can finish. Exempt paths (a health check, the
 * metrics and dashboard) are always served.
 */
export class LoadShedder {
  readonly #settings: SheddingSettings;
  readonly #alwaysServed: ReadonlySet<string>;
  readonly #gauges: PressureGauges;
  readonly #errorFormat: ErrorFormat;
  readonly refused = new Map<ShedReason, number>();

  constructor(settings: SheddingSettings, gauges: PressureGauges, errorFormat: ErrorFormat, alwaysServed: readonly string[]) {
    this.#settings = settings;
    this.#gauges = gauges;
    this.#errorFormat = errorFormat;
    const exempt = Array.isArray(settings.exempt) ? (settings.exempt as readonly string[]) : [];
    this.#alwaysServed = new Set([...exempt, ...alwaysServed]);
  }

  /** The 503 for `req` when a limit is passed; undefined to serve it. */
  check(req: Request): Response | undefined {
    const reason = this.#overLimit();
    if (reason === undefined || this.#isExempt(req)) return undefined;
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
    return errorResponse(this.#errorFormat, 503, `Service Unavailable: ${DETAIL[reason]}`, {
      "retry-after": String(this.#settings.retryAfterSeconds),
    });
  }

  #overLimit(): ShedReason | undefined {
    const { maxInFlight, maxEventLoopDelayMs, maxPoolQueue } = this.#settings;
    if (maxInFlight !== null && this.#gauges.inFlight() >= maxInFlight) return "in_flight";
    if (maxEventLoopDelayMs !== null && this.#gauges.lagMs() > maxEventLoopDelayMs) return "event_loop_delay";
    if (maxPoolQueue !== null && this.#gauges.poolQueue() > maxPoolQueue) return "pool_queue";
    return undefined;
  }

  #isExempt(req: Request): boolean {
    const path = req.path;
    if (this.#alwaysServed.has(path)) return true;
    const exempt = this.#settings.exempt;
    if (typeof exempt === "function") {
      try {
        return exempt(req) === true;
      } catch {
        return false;
      }
    }
    return false;
  }
}

const DETAIL: Record<ShedReason, string> = {
  event_loop_delay: "the server is overloaded (event loop delay)",
  in_flight: "too many requests in flight",
  pool_queue: "too many calls waiting for a worker thread",
};
