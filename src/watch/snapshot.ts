import { executionAsyncResource } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { requestContext } from "./request-context.js";
import { LANE, MAIN_LANE, clockOffset, laneBase } from "./shared-layout.js";

/** One stack frame as V8 reports it: positions in the code that runs (generated code). */
export interface RawFrame {
  fn: string;
  /** Path or URL of the script; "" for builtins such as `JSON.stringify`. */
  file: string;
  line: number;
  col: number;
}

/** The running request, as the snapshot read it from {@link requestContext}. */
export interface SnapshotRequest {
  id: number;
  method: string;
  url: string;
  route: string;
  /** True when the request's response was already written: the code runs after it (a timer it set). */
  answered?: true;
}

/** What the snapshot function returns to the watchdog (by value, over the inspector session). */
export interface Snapshot {
  /** Clock offset when the snapshot ran on the main thread. */
  landedAt: number;
  /** The main lane's heartbeat counter at that moment: unchanged since detection = same block. */
  beat: number;
  frames: RawFrame[];
  request: SnapshotRequest | null;
  /** Kind of callback running when outside any request (or after it): "timer", "immediate", "I/O"... */
  origin: string | null;
}

/** The sourceURL of the evaluated expression, so its frame can be dropped from the stack. */
const EVAL_SOURCE_URL = "loopwise-watchdog-snapshot";
const MAX_FRAMES = 64;
const MAX_URL_CHARS = 2048;
const MAX_NAME_CHARS = 256;

/** A snapshot function installed on `globalThis`, and the expression that calls it. */
export interface InstalledSnapshot {
  readonly expression: string;
  uninstall(): void;
}

/**
 * Installs the function the watchdog runs on the main thread with `Runtime.evaluate` when the
 * loop is blocked. Cross-thread inspector messages are served from a V8 interrupt, so it runs on
 * top of the blocked frames: it must stay small, side-effect free and restore every global it
 * touches (`Error.prepareStackTrace`, `Error.stackTraceLimit`). It does no source mapping.
 */
export function installSnapshot(view: Int32Array, epoch: number): InstalledSnapshot {
  const name = `__loopwiseWatchdogSnapshot_${randomBytes(6).toString("hex")}`;
  const beatSlot = laneBase(MAIN_LANE) + LANE.beat;
  const snapshot = (): Snapshot => {
    const landedAt = clockOffset(epoch);
    const beat = Atomics.load(view, beatSlot);
    const ctx = requestContext.getStore();
    const answered = ctx?.profile !== undefined && ctx.profile.endedAt !== 0;
    return {
      landedAt,
      beat,
      frames: captureFrames(snapshot),
      request:
        ctx === undefined
          ? null
          : {
              id: ctx.id,
              method: String(ctx.method).slice(0, MAX_NAME_CHARS),
              url: String(ctx.url).slice(0, MAX_URL_CHARS),
              route: String(ctx.route).slice(0, MAX_NAME_CHARS),
              ...(answered ? { answered: true as const } : {}),
            },
      origin: ctx === undefined || answered ? callbackOrigin() : null,
    };
  };
  Object.defineProperty(globalThis, name, { value: snapshot, configurable: true, enumerable: false, writable: false });
  return {
    // Optional call: if the evaluation lands after uninstall it returns undefined instead of throwing.
    expression: `globalThis[${JSON.stringify(name)}]?.()\n//# sourceURL=${EVAL_SOURCE_URL}`,
    uninstall: () => {
      delete (globalThis as Record<string, unknown>)[name];
    },
  };
}

function captureFrames(above: Function): RawFrame[] {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.stackTraceLimit = MAX_FRAMES;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, above);
    // V8 formats lazily: read it while our prepareStackTrace is installed.
    const stack = holder.stack;
    if (Array.isArray(stack)) sites = stack as NodeJS.CallSite[];
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
  const frames: RawFrame[] = [];
  for (const site of sites) {
    if (site.getScriptNameOrSourceURL() === EVAL_SOURCE_URL) continue;
    const file = site.getFileName() ?? "";
    frames.push({
      fn: site.getFunctionName() ?? site.getMethodName() ?? "<anonymous>",
      file,
      line: site.getLineNumber() ?? 0,
      col: site.getColumnNumber() ?? 0,
    });
  }
  return frames;
}

/** Names the kind of callback running, from the async resource Node reports for it. */
function callbackOrigin(): string | null {
  const resource: unknown = executionAsyncResource();
  const kind = (resource as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  if (typeof kind !== "string") return null;
  if (kind === "Timeout") return "timer";
  if (kind === "Immediate") return "immediate";
  if (kind === "TickObject") return "nextTick";
  if (/(?:Wrap|Req|Request|Callback|AsyncResource)$/.test(kind)) return "I/O";
  return null;
}
