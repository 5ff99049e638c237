import { isAbsolute, relative, sep } from "node:path";
import type { ThreadPoolStats } from "../lanes/thread-pool.js";
import type { AppWatch, KeptProfile } from "./app-watch.js";
import type { BlockClass, BlockReport } from "./block-report.js";
import { formatBlockReport } from "./format.js";
import type { LoopSample } from "./loop-monitor.js";
import { round1 } from "./profile-summary.js";
import { performance } from "node:perf_hooks";
import process from "node:process";

/** What the dashboard page shows, sent as JSON (and every second over SSE). */
export interface DashboardState {
  title: string;
  /** Epoch ms when the state was taken. */
  now: number;
  watchdog: { running: boolean };
  loop: { lagMs: number; latest: LoopSample; history: LoopSample[] };
  inFlight: {
    id: number;
    method: string;
    url: string;
    route: string;
    ageMs: number;
    outbound?: { method: string; url: string; waitingMs: number };
  }[];
  routes: {
    method: string;
    route: string;
    count: number;
    byStatus: Record<string, number>;
    meanMs: number;
    p50: number;
    p90: number;
    p99: number;
  }[];
  pool: ThreadPoolStats | null;
  blocks: DashboardBlock[];
  profiles: KeptProfile[];
}

/** A block report as the page lists it. */
export interface DashboardBlock {
  blockId: number;
  /** The report's one readable line. */
  line: string;
  durationMs: number;
  ended: boolean;
  at: string;
  request: BlockReport["request"] | null;
  thread: BlockReport["thread"];
  class: BlockClass | null;
  frames: { fn: string; at: string }[];
}

const HISTORY_SENT = 120;
const MAX_URL = 200;
const FRAMES_SHOWN = 12;

/** The dashboard's view of an app now. */
export function dashboardState(watch: AppWatch, cwd = process.cwd()): DashboardState {
  const now = performance.now();
  const loop = watch.loop;
  return {
    title: watch.title,
    now: Date.now(),
    watchdog: { running: watch.watchdog?.enabled === true },
    loop: {
      lagMs: round1(loop?.lagMs ?? 0),
      latest: loop?.latest ?? { at: Date.now(), p50: 0, p99: 0, max: 0, elu: 0 },
      history: loop === undefined ? [] : loop.history.slice(-HISTORY_SENT),
    },
    inFlight: watch.inFlight().map(({ req, id, method, url, route }) => {
      const call = req.currentCall;
      return {
        id,
        method,
        url: cut(url),
        route,
        ageMs: Math.round(now - req.startedAt),
        ...(call === undefined ? {} : { outbound: { method: call.method, url: cut(call.url), waitingMs: Math.round(now - req.startedAt - call.startMs) } }),
      };
    }),
    routes: [...watch.routeStats()]
      .filter((stats) => stats.count > 0 && !watch.isOwnRoute(stats.route))
      .sort((a, b) => b.count - a.count)
      .map((stats) => {
        const [p50, p90, p99] = stats.recentPercentiles([0.5, 0.9, 0.99]).map(round1);
        return {
          method: stats.method,
          route: stats.route,
          count: stats.count,
          byStatus: Object.fromEntries([...stats.byStatus].map(([status, count]) => [String(status), count])),
          meanMs: round1(stats.sumMs / stats.count),
          p50: p50!,
          p90: p90!,
          p99: p99!,
        };
      }),
    pool: watch.poolStats() ?? null,
    blocks: watch.blocks.map((report) => dashboardBlock(report, cwd)).reverse(),
    profiles: [...watch.profiles].reverse(),
  };
}

/** A block report for the page: its readable line and its frames with paths from the project. */
export function dashboardBlock(report: BlockReport, cwd = process.cwd()): DashboardBlock {
  return {
    blockId: report.blockId,
    line: formatBlockReport(report, { cwd }),
    durationMs: report.durationMs,
    ended: report.ended,
    at: report.at.toISOString(),
    request: report.request ?? null,
    thread: report.thread,
    class: report.class,
    frames: report.frames.slice(0, FRAMES_SHOWN).map((frame) => ({
      fn: frame.fn,
      at: frame.file === "" ? "native" : `${fromProject(frame.file, cwd)}:${frame.line}`,
    })),
  };
}

function fromProject(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const path = relative(cwd, file);
  return path !== "" && !path.startsWith("..") && !isAbsolute(path) ? path.split(sep).join("/") : file;
}

function cut(text: string): string {
  return text.length > MAX_URL ? `${text.slice(0, MAX_URL)}…` : text;
}
