import inspector from "node:inspector";
import process from "node:process";
import type { RequestContext } from "./request-context.js";
import { SchedstatReader } from "./schedstat.js";
import { FLAG, HEADER, LANE, MAIN_LANE, clockOffset, laneBase, NO_SCHED, writeRequestId, writeSplitId } from "./shared-layout.js";

/** A route the main thread has seen, sent to the watchdog once so slots can name it by index. */
export interface RouteEntry {
  readonly index: number;
  readonly method: string;
  readonly route: string;
}

const HEARTBEAT_MS = 10;
/** Routes come from the app's route table; a bound keeps a misuse (URLs as routes) from growing it forever. */
const MAX_ROUTES = 4096;
/** How many heartbeats between checks that a debugger may have been activated (SIGUSR1). */
const INSPECTOR_CHECK_EVERY = 100;

/**
 * The main thread's side of the watchdog: an `unref()`'d 10 ms heartbeat, and the request slots
 * that name the last request to enter a handler (the fallback attribution for a block that never
 * runs JavaScript again). Route names are interned here and announced through `announceRoute`.
 * Each beat also stores the thread's scheduler counters: reading them here costs a few µs of a
 * hot thread, where the watchdog thread, woken from sleep for it 40 times a second, paid ~40 µs
 * each time (measured on 2026-12-07), which is why it now sleeps until a block is possible.
 */
export class MainLane {
  readonly #view: Int32Array;
  readonly #base = laneBase(MAIN_LANE);
  readonly #epoch: number;
  readonly #announceRoute: (entry: RouteEntry) => void;
  readonly #routes = new Map<string, Map<string, number>>();
  #nextRouteIndex = 1;
  // The last route looked up: consecutive requests to one route skip the two map lookups.
  #lastMethod = "";
  #lastRoute = "";
  #lastIndex = 0;
  #timer: NodeJS.Timeout | undefined;
  #ticks = 0;
  // The main thread's Linux tid is the process id; elsewhere the reader gives nothing.
  readonly #sched = new SchedstatReader(process.pid);

  constructor(view: Int32Array, epoch: number, announceRoute: (entry: RouteEntry) => void) {
    this.#view = view;
    this.#epoch = epoch;
    this.#announceRoute = announceRoute;
    view[this.#base + LANE.runHigh] = NO_SCHED;
  }

  start(): void {
    this.#checkInspector();
    this.#beat();
    this.#timer = setInterval(() => this.#tick(), HEARTBEAT_MS);
    this.#timer.unref();
  }

  /** Tells the watchdog the heartbeat is about to stop on purpose, then stops it. */
  stop(): void {
    Atomics.or(this.#view, HEADER.flags, FLAG.stopping);
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sched.close();
  }

  /** Records `ctx` as the last request to enter a handler on the main thread. */
  mark(ctx: RequestContext): void {
    const base = this.#base;
    // Plain stores (an `Atomics` call is not inlined, and this runs for every request): the
    // watchdog reads the slot only once the heartbeat has been still for the threshold, long
    // after these stores became visible.
    writeRequestId(this.#view, base, ctx.id);
    this.#view[base + LANE.routeIndex] = this.#routeIndex(ctx.method, ctx.route);
  }

  #tick(): void {
    this.#beat();
    if (++this.#ticks % INSPECTOR_CHECK_EVERY === 0) this.#checkInspector();
  }

  #beat(): void {
    const view = this.#view;
    const base = this.#base;
    const counters = this.#sched.counters();
    // Published by the Atomics.add below; the watchdog reads them only once the beats stopped.
    if (counters === null) view[base + LANE.runHigh] = NO_SCHED;
    else {
      writeSplitId(view, base + LANE.runLow, counters.runNs);
      writeSplitId(view, base + LANE.waitLow, counters.waitNs);
    }
    Atomics.store(view, base + LANE.beatAt, clockOffset(this.#epoch));
    Atomics.add(view, base + LANE.beat, 1);
  }

  #checkInspector(): void {
    if (inspector.url() === undefined) Atomics.and(this.#view, HEADER.flags, ~FLAG.inspectorActive);
    else Atomics.or(this.#view, HEADER.flags, FLAG.inspectorActive);
  }

  #routeIndex(method: string, route: string): number {
    if (route === this.#lastRoute && method === this.#lastMethod) return this.#lastIndex;
    const index = this.#lookUpRouteIndex(method, route);
    // An unlisted route (past MAX_ROUTES) is not remembered: it would pin index 0 to its name.
    if (index !== 0) {
      this.#lastMethod = method;
      this.#lastRoute = route;
      this.#lastIndex = index;
    }
    return index;
  }

  #lookUpRouteIndex(method: string, route: string): number {
    let byRoute = this.#routes.get(method);
    if (byRoute === undefined) {
      byRoute = new Map();
      this.#routes.set(method, byRoute);
    }
    let index = byRoute.get(route);
    if (index === undefined) {
      if (this.#nextRouteIndex > MAX_ROUTES) return 0;
      index = this.#nextRouteIndex++;
      byRoute.set(route, index);
      this.#announceRoute({ index, method, route });
    }
    return index;
  }
}

let activeLane: MainLane | undefined;

/** Installs (or, with `undefined`, removes) the lane {@link markRequest} writes to. */
export function setActiveMainLane(lane: MainLane | undefined): void {
  activeLane = lane;
}

/**
 * Records that `ctx`'s handler is starting on the main thread. The framework calls it at handler
 * entry; it costs two map lookups and three stores. The watchdog uses it only when it cannot read
 * the running request from the blocked thread itself (a native call that never returns), and says
 * so in the report, because under concurrency the last request to enter a handler is often not
 * the one that blocks. Does nothing while no watchdog runs.
 *
 * @example
 * requestContext.run(ctx, () => {
 *   markRequest(ctx);
 *   return handler(params);
 * });
 */
export function markRequest(ctx: RequestContext): void {
  activeLane?.mark(ctx);
}
