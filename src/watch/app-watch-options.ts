import type { Dependency } from "../deps/dependency.js";
import type { Request } from "../request.js";
import { isDevelopment, type WatchdogOptions } from "./watchdog-options.js";

/** The per-request profile. */
export interface ProfileOptions {
  /**
   * A request with this header set to `1` is sampled: its time on the event loop vs waiting is
   * measured too (`async_hooks`, enabled only while a sampled request is in flight). `true`
   * means `x-loopwise-profile`. Default: `x-loopwise-profile` in development, off otherwise
   * (in production a client could otherwise turn the hooks on at will).
   */
  header?: string | boolean;
  /** Also sample one request in N. Default 0: none. */
  sampleEvery?: number;
  /**
   * Add the profile to responses as `Server-Timing`. Default: on in development, off otherwise.
   * In production the header tells every client how long your code, your dependencies and your
   * upstream calls took (a timing side channel), and costs bytes and header checks on every
   * response; turn it on when you want browsers or a proxy to see it.
   */
  serverTiming?: boolean;
}

/** Prometheus metrics in text format. */
export interface MetricsOptions {
  /** Default "/metrics". */
  path?: string;
}

/** Decides whether a request may see the dashboard. */
export type DashboardGuard = (req: Request) => boolean | Promise<boolean>;

/** The live dashboard page. */
export interface DashboardOptions {
  /** Default "/_loopwise". */
  path?: string;
  /**
   * Who may see it: a dependency (e.g. `httpBasic()` checked against your users) that throws an
   * `HTTPException` to refuse, or a function answering true or false (false: 401). Required
   * outside development.
   */
  auth?: Dependency<unknown> | DashboardGuard;
}

/** Load shedding: answer 503 with `Retry-After` before the process drowns. */
export interface LoadSheddingOptions {
  /** Refuse new requests while the event loop runs later than this many ms. */
  maxEventLoopDelayMs?: number;
  /** Refuse new requests while this many of the app's requests are in flight. */
  maxInFlight?: number;
  /** Refuse new requests while more than this many thread-lane calls wait for a thread. */
  maxPoolQueue?: number;
  /** Seconds in the `Retry-After` header. Default 1. */
  retryAfterSeconds?: number;
  /**
   * Requests never refused: exact paths (`"/health"`), or a function. The metrics and dashboard
   * paths are always exempt.
   */
  exempt?: readonly string[] | ((req: Request) => boolean);
}

/**
 * The `watchdog` option of an App: the block watchdog's own options (`thresholdMs`, `onBlock`,
 * ...; `enabled: false` turns off only its thread) and what the app adds around it. `false`
 * instead of an object turns all of it off, including the always-on profile.
 */
export interface AppWatchOptions extends WatchdogOptions {
  /** `false`: no per-request profile, no Server-Timing. */
  profile?: false | ProfileOptions;
  /** `true` or options: serve Prometheus metrics. Default off. */
  metrics?: boolean | MetricsOptions;
  /** `true` or options: serve the live dashboard. Default on in development only. */
  dashboard?: boolean | DashboardOptions;
  /** Limits beyond which new requests get 503. Default: none. */
  shed?: LoadSheddingOptions;
}

const DEFAULT_PROFILE_HEADER = "x-loopwise-profile";

/** Options with defaults applied and checked, as the app uses them. */
export function resolveAppWatchSettings(options: AppWatchOptions) {
  const dev = options.dev ?? isDevelopment();
  const profile = options.profile === false ? null : resolveProfile(options.profile ?? {}, dev);
  const metrics =
    options.metrics === undefined || options.metrics === false ? null : { path: checkPath("metrics.path", (options.metrics === true ? {} : options.metrics).path ?? "/metrics") };
  const dashboardOption = options.dashboard ?? dev;
  const dashboard = dashboardOption === false ? null : resolveDashboard(dashboardOption === true ? {} : dashboardOption, dev);
  const shed = options.shed === undefined ? null : resolveShedding(options.shed);
  return { dev, profile, metrics, dashboard, shed };
}

export type AppWatchSettings = ReturnType<typeof resolveAppWatchSettings>;

function resolveProfile(options: ProfileOptions, dev: boolean) {
  const header = options.header ?? dev;
  const headerName = header === false ? null : header === true ? DEFAULT_PROFILE_HEADER : header.toLowerCase();
  if (headerName !== null && !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(headerName)) {
    throw new TypeError(`watchdog.profile.header must be a header name, got ${JSON.stringify(header)}`);
  }
  const sampleEvery = options.sampleEvery ?? 0;
  if (!Number.isInteger(sampleEvery) || sampleEvery < 0) {
    throw new RangeError(`watchdog.profile.sampleEvery must be a whole number (0: off), got ${String(sampleEvery)}`);
  }
  return { headerName, sampleEvery, serverTiming: options.serverTiming ?? dev };
}

function resolveDashboard(options: DashboardOptions, dev: boolean) {
  const path = checkPath("dashboard.path", options.path ?? "/_loopwise");
  if (options.auth === undefined && !dev) {
    throw new Error(
      "watchdog.dashboard: outside development the dashboard needs `auth` (a dependency such as httpBasic(), or a function " +
        "(req) => boolean): it shows routes, URLs and stacks of your code. Run under `loopwise dev` (or LOOPWISE_ENV=development) for an open one.",
    );
  }
  if (options.auth !== undefined && typeof options.auth !== "function" && typeof options.auth !== "object") {
    throw new TypeError("watchdog.dashboard.auth must be a dependency or a function");
  }
  return { path, auth: options.auth };
}

function resolveShedding(options: LoadSheddingOptions) {
  const limit = (name: string, value: number | undefined, min: number): number | null => {
    if (value === undefined) return null;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
      throw new RangeError(`watchdog.shed.${name} must be a number of at least ${min}, got ${String(value)}`);
    }
    return value;
  };
  const retryAfterSeconds = limit("retryAfterSeconds", options.retryAfterSeconds, 0) ?? 1;
  if (!Number.isInteger(retryAfterSeconds)) throw new RangeError(`watchdog.shed.retryAfterSeconds must be whole seconds, got ${retryAfterSeconds}`);
  const exempt = options.exempt ?? [];
  if (typeof exempt !== "function" && (!Array.isArray(exempt) || exempt.some((path) => typeof path !== "string"))) {
    throw new TypeError("watchdog.shed.exempt must be a list of paths or a function");
  }
  return {
    maxEventLoopDelayMs: limit("maxEventLoopDelayMs", options.maxEventLoopDelayMs, 1),
    maxInFlight: limit("maxInFlight", options.maxInFlight, 1),
    maxPoolQueue: limit("maxPoolQueue", options.maxPoolQueue, 0),
    retryAfterSeconds,
    exempt,
  };
}

function checkPath(name: string, path: string): string {
  if (typeof path !== "string" || !/^\/[A-Za-z0-9._~\-/]*$/.test(path) || path.includes("//") || (path.length > 1 && path.endsWith("/"))) {
    throw new TypeError(`watchdog.${name} must be a plain path such as "/metrics", got ${JSON.stringify(path)}`);
  }
  return path;
}
