import type { Registry } from "prom-client";
import type { App } from "../app.js";
import type { ThreadPoolStats } from "../lanes/thread-pool.js";
import type { Logger } from "../logging.js";
import type { Request } from "../request.js";
import { Response } from "../responses/response.js";
import { resolveAppWatchSettings, type AppWatchOptions, type AppWatchSettings } from "./app-watch-options.js";
import type { BlockReport } from "./block-report.js";
import { registerDashboard } from "./dashboard-routes.js";
import { acquireWatchdog, releaseWatchdog, type WatchdogUser } from "./engine-share.js";
import { inFlightTable } from "./in-flight.js";
import { LoadShedder } from "./load-shedding.js";
import { acquireLoopMonitor, type LoopMonitor } from "./loop-monitor.js";
import { loopTimer } from "./loop-time.js";
import { createMetricsRegistry, withQueueMetrics } from "./metrics.js";
import { watchOutboundCalls } from "./outbound-calls.js";
import { serverTiming } from "./profile-format.js";
import { summarizeProfile, type ProfileSummary } from "./profile-summary.js";
import { RequestProfile } from "./request-profile.js";
import { RouteStatsTable, type RouteStats } from "./route-stats.js";
import type { WatchdogStats } from "./stats.js";
import type { WatchdogHandle } from "./watchdog.js";
import { resolveWatchdogSettings, type WatchdogOptions } from "./watchdog-options.js";
import { performance } from "node:perf_hooks";

/** A finished request kept for the dashboard because its profile says something. */
export interface KeptProfile {
  id: number;
  method: string;
  url: string;
  route: string;
  status: number;
  /** Epoch ms of its arrival. */
  at: number;
  summary: ProfileSummary;
}

const KEPT_BLOCKS = 50;
const KEPT_PROFILES = 30;
const POOL_SAMPLE_MS = 100;
const MAX_KEPT_URL = 300;

/** Where the access log finds a request's profile summary (set on the response sink). */
const PROFILE_SUMMARY = Symbol("loopwise.profileSummary");

/**
 * An app's observability, wired into the request path: the always-on profile of each request
 * (`begin` → route phases → `respond` → `end`), the in-flight table, per-route latency and
 * status counts, load shedding, and while the app serves, the shared watchdog, the loop monitor
 * and the outbound-call subscriptions. Also registers the metrics and dashboard routes.
 * Every App makes one (`app.watch`) unless given `watchdog: false`.
 *
 * @example
 * const app = new App({ watchdog: { metrics: true } });
 * app.watch?.inFlightCount;               // requests being served now
 * app.watch?.profiles.at(-1)?.summary.hint; // "3 calls ran one after another; ..."
 */
export class AppWatch implements WatchdogUser {
  readonly settings: AppWatchSettings;
  readonly #app: App;
  readonly #engineOptions: WatchdogOptions;
  readonly #routes = new RouteStatsTable();
  readonly #table = inFlightTable();
  readonly #shedder: LoadShedder | undefined;
  readonly #blocks: BlockReport[] = [];
  readonly #profiles: KeptProfile[] = [];
  readonly #blockListeners = new Set<(report: BlockReport) => void>();
  readonly #ownPaths: string[] = [];
  #inFlight = 0;
  #sampleCounter = 0;
  #serving = 0;
  #annotateSinks = false;
  /** Whether every request's phases are shown somewhere (Server-Timing, the access log), so timed. */
  #timesPhases: boolean;
  // Settings the request path tests, read once: a field test instead of two property loads.
  readonly #sampling: boolean;
  readonly #serverTiming: boolean;
  #engine: WatchdogHandle | undefined;
  #loop: { monitor: LoopMonitor; release: () => void } | undefined;
  #stopOutbound: (() => void) | undefined;
  #poolTimer: NodeJS.Timeout | undefined;
  #poolQueue = 0;
  #streams = new AbortController();
  #scrapeRegistry: (() => Promise<Registry>) | undefined;
  #scraped: Promise<Registry> | undefined;

  constructor(app: App, options: AppWatchOptions) {
    this.#app = app;
    this.settings = resolveAppWatchSettings(options);
    const profile = this.settings.profile;
    this.#serverTiming = this.#timesPhases = profile?.serverTiming === true;
    this.#sampling = profile !== null && (profile.headerName !== null || profile.sampleEvery > 0);
    const { profile: _profile, metrics: _metrics, dashboard: _dashboard, shed: _shed, ...engine } = options;
    this.#engineOptions = { ...engine, dev: this.settings.dev };
    // Checked now, so a bad option fails the app's construction rather than its first serve.
    resolveWatchdogSettings(this.#engineOptions);
    const { metrics, dashboard, shed } = this.settings;
    if (metrics !== null) {
      const registry = createMetricsRegistry({
        routes: () => this.#routes.all(),
        inFlight: () => this.#inFlight,
        shed: () => this.#shedder?.refused ?? new Map(),
        loop: () => this.#loop?.monitor,
        watchdog: () => this.watchdogStats,
        pool: () => this.poolStats(),
      });
      this.#scrapeRegistry = () => (this.#scraped ??= withQueueMetrics(registry));
      app.get(metrics.path, { includeInSchema: false }, async () => {
        const all = await this.#scrapeRegistry!();
        return new Response(await all.metrics(), { headers: { "content-type": all.contentType, "cache-control": "no-store" } });
      });
      this.#ownPaths.push(metrics.path);
    }
    if (dashboard !== null) this.#ownPaths.push(...registerDashboard(app, this, dashboard));
    this.#shedder =
      shed === null
        ? undefined
        : new LoadShedder(
            shed,
            { lagMs: () => this.#loop?.monitor.lagMs ?? 0, inFlight: () => this.#inFlight - 1, poolQueue: () => this.#poolQueue },
            app.errorFormat,
            this.#ownPaths,
          );
  }

  get logger(): Logger {
    return this.#app.logger;
  }

  get title(): string {
    return this.#app.title;
  }

  /** Starts what runs while the app serves; each `start` needs a `stop`. */
  start(options: { accessLog?: boolean } = {}): void {
    if (options.accessLog) this.#annotateSinks = this.#timesPhases = true;
    if (this.#serving++ > 0) return;
    if (this.#streams.signal.aborted) this.#streams = new AbortController();
    try {
      this.#engine = acquireWatchdog(this, { ...this.#engineOptions, logger: this.#engineOptions.logger ?? this.#app.logger });
      if (this.#engine === undefined && this.#engineOptions.enabled !== false) {
        this.#app.logger.info("A watchdog started with startWatchdog() already runs in this process: it reports the app's blocks");
      }
    } catch (error) {
      this.#app.logger.error({ err: error }, "The watchdog could not start; event-loop blocks will not be reported");
    }
    this.#loop = acquireLoopMonitor();
    // Loads the queue lane's metrics now rather than during the first scrape.
    void this.#scrapeRegistry?.();
    if (this.settings.profile !== null) this.#stopOutbound = watchOutboundCalls();
    if (this.settings.shed?.maxPoolQueue != null) {
      this.#poolTimer = setInterval(() => (this.#poolQueue = this.poolStats()?.queued ?? 0), POOL_SAMPLE_MS);
      this.#poolTimer.unref();
    }
  }

  /** Says where the dashboard is, once the server listens. */
  listening(url: string): void {
    const dashboard = this.settings.dashboard;
    if (dashboard !== null) this.#app.logger.info({ url: `${url}${dashboard.path}` }, `loopwise dashboard on ${url}${dashboard.path}`);
  }

  /** Aborts when the server starts to drain: long-lived dashboard streams end so shutdown need not wait for them. */
  get streamsClosing(): AbortSignal {
    return this.#streams.signal;
  }

  /** The server drains: end the dashboard's live streams. */
  closeStreams(): void {
    this.#streams.abort();
  }

  /** Stops what `start` started once the last server of the app stops. */
  async stop(): Promise<void> {
    if (this.#serving === 0 || --this.#serving > 0) return;
    clearInterval(this.#poolTimer);
    this.#poolTimer = undefined;
    this.#stopOutbound?.();
    this.#stopOutbound = undefined;
    this.#loop?.release();
    this.#loop = undefined;
    this.#engine = undefined;
    await releaseWatchdog(this);
  }

  /** A request arrives (inside its request context): its profile starts and it is in flight. */
  begin(req: Request): void {
    const ctx = req.context;
    const sampled = this.#sampling && this.#sample(req);
    const profile = new RequestProfile(ctx.startedAt, sampled, this, sampled || this.#timesPhases);
    ctx.profile = profile;
    this.#inFlight++;
    profile.slot = this.#table.enter(ctx);
    if (sampled) loopTimer.begin(profile);
  }

  /** The 503 that load shedding answers instead of serving `req`, if a limit is passed. */
  refuse(req: Request): Response | undefined {
    return this.#shedder?.check(req);
  }

  /** The response is about to be written: its status, and the profile as `Server-Timing`. */
  respond(req: Request, response: Response): void {
    const profile = req.context.profile;
    if (profile === undefined || profile.owner !== this) return;
    profile.status = response.status;
    if (!this.#serverTiming) return;
    const timing = serverTiming(profile, performance.now());
    const existing = response.headers["server-timing"];
    if (existing === undefined) response.headers["server-timing"] = timing;
    else if (Array.isArray(existing)) existing.push(timing);
    else response.headers["server-timing"] = `${existing}, ${timing}`;
  }

  /** The response is written (or the client is gone): the request leaves the in-flight table. */
  end(req: Request, sink?: object): void {
    const ctx = req.context;
    const profile = ctx.profile;
    if (profile === undefined || profile.owner !== this || profile.endedAt !== 0) return;
    if (profile.sampled) loopTimer.end(profile);
    const now = performance.now();
    profile.endedAt = now;
    this.#inFlight--;
    this.#table.leave(profile.slot);
    profile.slot = -1;
    this.#routes.of(req.method, ctx.route).record(now - profile.startedAt, profile.status);
    if (profile.calls !== undefined || profile.sampled) this.#keep(req, profile);
    if (this.#annotateSinks && sink !== undefined) (sink as Record<symbol, unknown>)[PROFILE_SUMMARY] = summarizeProfile(profile, now);
  }

  /** From the shared watchdog: a block report. */
  onBlock(report: BlockReport): void {
    this.#blocks.push(report);
    if (this.#blocks.length > KEPT_BLOCKS) this.#blocks.shift();
    for (const listener of this.#blockListeners) listener(report);
    const hook = this.#engineOptions.onBlock;
    if (hook === undefined) return;
    try {
      hook(report);
    } catch (error) {
      this.#app.logger.error({ err: error }, "watchdog: onBlock threw");
    }
  }

  /** Called with each block report as it arrives; returns the function that stops it. */
  onBlockReport(listener: (report: BlockReport) => void): () => void {
    this.#blockListeners.add(listener);
    return () => this.#blockListeners.delete(listener);
  }

  /** Requests of this app in flight now. */
  get inFlightCount(): number {
    return this.#inFlight;
  }

  /** Whether `route` is one of the metrics or dashboard routes (left out of the dashboard's lists). */
  isOwnRoute(route: string): boolean {
    return this.#ownPaths.includes(route);
  }

  /** The app's requests in flight, oldest first, without the dashboard's own. */
  inFlight(): { req: RequestProfile; id: number; method: string; url: string; route: string }[] {
    const found = [];
    for (const ctx of this.#table.contexts()) {
      const profile = ctx.profile;
      if (profile === undefined || profile.owner !== this) continue;
      if (this.isOwnRoute(ctx.route)) continue;
      found.push({ req: profile, id: ctx.id, method: ctx.method, url: ctx.url, route: ctx.route });
    }
    return found.sort((a, b) => a.req.startedAt - b.req.startedAt);
  }

  get blocks(): readonly BlockReport[] {
    return this.#blocks;
  }

  get profiles(): readonly KeptProfile[] {
    return this.#profiles;
  }

  routeStats(): IterableIterator<RouteStats> {
    return this.#routes.all();
  }

  get loop(): LoopMonitor | undefined {
    return this.#loop?.monitor;
  }

  get watchdog(): WatchdogHandle | undefined {
    return this.#engine;
  }

  get watchdogStats(): WatchdogStats | undefined {
    return this.#engine?.stats;
  }

  /** The thread pool's stats when the app has thread-lane routes and its pool runs. */
  poolStats(): ThreadPoolStats | undefined {
    if (!this.#app.routes.some((route) => route.options.lane === "thread")) return undefined;
    const pool = this.#app.pool;
    return pool.started ? pool.stats() : undefined;
  }

  #sample(req: Request): boolean {
    const profile = this.settings.profile;
    if (profile === null) return false;
    if (profile.headerName !== null && req.firstHeader(profile.headerName) === "1") return true;
    if (profile.sampleEvery > 0 && ++this.#sampleCounter >= profile.sampleEvery) {
      this.#sampleCounter = 0;
      return true;
    }
    return false;
  }

  #keep(req: Request, profile: RequestProfile): void {
    const ctx = req.context;
    this.#profiles.push({
      id: ctx.id,
      method: ctx.method,
      url: ctx.url.length > MAX_KEPT_URL ? `${ctx.url.slice(0, MAX_KEPT_URL)}…` : ctx.url,
      route: ctx.route,
      status: profile.status,
      at: Date.now() - (profile.endedAt - profile.startedAt),
      summary: summarizeProfile(profile),
    });
    if (this.#profiles.length > KEPT_PROFILES) this.#profiles.shift();
  }
}

/**
 * The profile summary of a finished request, for the server's access log (`sink` is the
 * `ServerResponse`); undefined when the app did not profile it.
 *
 * @example
 * sr.once("close", () => logger.info({ profile: profileSummaryOf(sr) }, "done"));
 */
export function profileSummaryOf(sink: object): ProfileSummary | undefined {
  return (sink as Record<symbol, ProfileSummary | undefined>)[PROFILE_SUMMARY];
}
