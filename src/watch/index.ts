// Public surface of the watchdog (re-exported from the package root by src/index.ts).
export { startWatchdog, type WatchdogHandle, type WatchdogStatus, type CaptureMode } from "./watchdog.js";
export type { WatchdogOptions } from "./watchdog-options.js";
export type { WatchdogLogger } from "./watchdog-logger.js";
export type { WatchdogStats, RouteBlockStats } from "./stats.js";
export type {
  BlockReport,
  BlockFrame,
  BlockClass,
  BlockRequest,
  BlockedThread,
  Attribution,
} from "./block-report.js";
export { formatBlockReport } from "./format.js";
export { markRequest } from "./main-lane.js";
export { joinThreadLane, ThreadLaneHeartbeat, type ThreadLaneGrant, type ThreadLaneRequest } from "./thread-lane.js";
export { requestContext, nextRequestId, type RequestContext } from "./request-context.js";
export { claimThreadLane, threadLaneSource, releaseThreadLanesOf, type ThreadLaneSource } from "./pool-lanes.js";
export type { InFlightRequest } from "./in-flight-layout.js";
export { AppWatch, profileSummaryOf, type KeptProfile } from "./app-watch.js";
export type {
  AppWatchOptions,
  ProfileOptions,
  MetricsOptions,
  DashboardOptions,
  DashboardGuard,
  LoadSheddingOptions,
} from "./app-watch-options.js";
export { RequestProfile, type OutboundCall } from "./request-profile.js";
export {
  summarizeProfile,
  overlapOf,
  concurrencyHint,
  type ProfileSummary,
  type OutboundSummary,
  type OutboundCallView,
  type ConcurrencyHint,
} from "./profile-summary.js";
export { serverTiming, profileText } from "./profile-format.js";
export type { LoopSample } from "./loop-monitor.js";
export type { DashboardState, DashboardBlock } from "./dashboard-state.js";
