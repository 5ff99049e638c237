import type { BlockReport } from "./block-report.js";

/** Counts per route (or "(outside request)" / "(unknown)"). */
export interface RouteBlockStats {
  blocks: number;
  blockedMs: number;
}

/**
 * Counters for metrics, kept on the main thread and updated as reports arrive (also for reports
 * the rate limit held back). A block is counted when its first report arrives; its time grows
 * until its final report.
 */
export interface WatchdogStats {
  /** Event-loop blocks seen. */
  readonly blocks: number;
  /** Their total duration. */
  readonly blockedMs: number;
  /** Keyed by `METHOD /route`, "(outside request)" or "(unknown)". */
  readonly byRoute: ReadonlyMap<string, Readonly<RouteBlockStats>>;
  /** Reports the rate limit held back (they are counted above all the same). */
  readonly suppressed: number;
  /** Thread-lane workers reported stuck, and for how long in total. */
  readonly threadStalls: number;
  readonly threadStalledMs: number;
}

/** Builds the numbers behind {@link WatchdogStats}. */
export class StatsRecorder implements WatchdogStats {
  blocks = 0;
  blockedMs = 0;
  suppressed = 0;
  threadStalls = 0;
  threadStalledMs = 0;
  readonly #byRoute = new Map<string, RouteBlockStats>();
  /** Milliseconds already counted for blocks whose final report has not arrived. */
  readonly #open = new Map<number, { counted: number; route: RouteBlockStats | null }>();

  get byRoute(): ReadonlyMap<string, Readonly<RouteBlockStats>> {
    return this.#byRoute;
  }

  record(report: BlockReport, suppressed: boolean): void {
    let open = this.#open.get(report.blockId);
    const isNew = open === undefined;
    if (open === undefined) {
      open = { counted: 0, route: report.thread === "main" ? this.#route(routeKey(report)) : null };
      this.#open.set(report.blockId, open);
      if (suppressed) this.suppressed++;
    }
    const added = Math.max(0, report.durationMs - open.counted);
    open.counted += added;
    if (report.thread === "main") {
      if (isNew) this.blocks++;
      this.blockedMs += added;
      if (open.route !== null) {
        if (isNew) open.route.blocks++;
        open.route.blockedMs += added;
      }
    } else {
      if (isNew) this.threadStalls++;
      this.threadStalledMs += added;
    }
    if (report.ended) this.#open.delete(report.blockId);
  }

  #route(key: string): RouteBlockStats {
    let entry = this.#byRoute.get(key);
    if (entry === undefined) {
      entry = { blocks: 0, blockedMs: 0 };
      this.#byRoute.set(key, entry);
    }
    return entry;
  }
}

function routeKey(report: BlockReport): string {
  if (report.outsideRequest) return "(outside request)";
  const request = report.request;
  if (request === undefined) return "(unknown)";
  return `${request.method} ${request.route !== "" ? request.route : "(no route)"}`.trim();
}
