/** Upper bounds of the latency buckets, in milliseconds (Prometheus' `le`, in seconds, / 1000). */
export const LATENCY_BUCKETS_MS: readonly number[] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];

/** Durations kept per route for exact recent percentiles on the dashboard. */
const RECENT = 256;
/** Routes tracked one by one; past this, requests count under "(other)" (a bound against misuse). */
const MAX_ROUTES = 1000;
const NO_ROUTE = "(no route)";
const OTHER = "(other)";

/** Latency and status counts of one route. */
export class RouteStats {
  readonly method: string;
  /** Route pattern as declared, `(no route)` for requests no route matched. */
  readonly route: string;
  /** Per bucket, not cumulative; the last one is +Inf. */
  readonly buckets = new Float64Array(LATENCY_BUCKETS_MS.length + 1);
  count = 0;
  sumMs = 0;
  // Statuses in order of first use, with their counts, and the last one used: a route answers
  // with one status most of the time, and a Map's get and set cost more than the rest of `record`.
  readonly #statuses: number[] = [];
  readonly #statusCounts: number[] = [];
  #lastStatusIndex = -1;
  readonly #recent = new Float64Array(RECENT);
  #next = 0;

  constructor(method: string, route: string) {
    this.method = method;
    this.route = route;
  }

  record(ms: number, status: number): void {
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[bucket]!) bucket++;
    this.buckets[bucket]!++;
    this.count++;
    this.sumMs += ms;
    let index = this.#lastStatusIndex;
    if (index < 0 || this.#statuses[index] !== status) index = this.#statusIndex(status);
    this.#statusCounts[index]!++;
    this.#recent[this.#next++ % RECENT] = ms;
  }

  /** Requests by response status, in ascending status order (0 counts a status Node would not send). */
  get byStatus(): ReadonlyMap<number, number> {
    const pairs = this.#statuses.map((status, index): [number, number] => [status, this.#statusCounts[index]!]);
    return new Map(pairs.sort((a, b) => a[0] - b[0]));
  }

  #statusIndex(status: number): number {
    const known = Number.isInteger(status) && status >= 100 && status <= 999 ? status : 0;
    let index = this.#statuses.indexOf(known);
    if (index < 0) {
      index = this.#statuses.length;
      this.#statuses.push(known);
      this.#statusCounts.push(0);
    }
    this.#lastStatusIndex = index;
    return index;
  }

  /** Percentiles (0..1) of the last 256 requests, in ms. */
  recentPercentiles(quantiles: readonly number[]): number[] {
    const size = Math.min(this.#next, RECENT);
    if (size === 0) return quantiles.map(() => 0);
    const sorted = this.#recent.slice(0, size).sort();
    return quantiles.map((q) => sorted[Math.min(size - 1, Math.max(0, Math.ceil(q * size) - 1))]!);
  }
}

/** Per-route stats, looked up by method and route pattern without building a key string. */
export class RouteStatsTable {
  readonly #byMethod = new Map<string, Map<string, RouteStats>>();
  #routes = 0;
  // The last route looked up: consecutive requests to one route skip the two map lookups.
  #last: RouteStats | undefined;
  #lastRoute = "";

  /** The stats of a route, created on first use. */
  of(method: string, route: string): RouteStats {
    const last = this.#last;
    if (last !== undefined && route === this.#lastRoute && method === last.method) return last;
    const stats = this.#lookUp(method, route);
    this.#last = stats;
    this.#lastRoute = route;
    return stats;
  }

  #lookUp(method: string, route: string): RouteStats {
    let byRoute = this.#byMethod.get(method);
    if (byRoute === undefined) {
      if (this.#byMethod.size >= 64 && method !== OTHER) return this.#lookUp(OTHER, OTHER);
      byRoute = new Map();
      this.#byMethod.set(method, byRoute);
    }
    const name = route === "" ? NO_ROUTE : route;
    let stats = byRoute.get(name);
    if (stats === undefined) {
      if (this.#routes >= MAX_ROUTES && name !== OTHER) return this.#lookUp(OTHER, OTHER);
      stats = new RouteStats(method, name);
      byRoute.set(name, stats);
      this.#routes++;
    }
    return stats;
  }

  *all(): IterableIterator<RouteStats> {
    for (const byRoute of this.#byMethod.values()) yield* byRoute.values();
  }
}
