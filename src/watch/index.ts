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
