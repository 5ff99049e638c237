import { isAbsolute, relative, sep } from "node:path";
import type { BlockClass, BlockFrame, BlockReport } from "./block-report.js";
import { isRuntimeFrame } from "./fingerprint.js";
import process from "node:process";

const MAX_URL_CHARS = 200;
const MAX_NAME_CHARS = 100;
const MAX_IN_FLIGHT_LINES = 10;
/** A second share is mentioned when it is at least this large. */
const NOTABLE_SHARE = 0.2;

/**
 * One readable line for a block report, for development logs:
 *
 *     BLOCKED 1.0 s in GET /report (req 17) at buildReport (src/report.ts:17), 99% on-CPU
 *     BLOCKED 0.3 s outside any request (timer) at tick (src/jobs.ts:5), 97% on-CPU
 *     thread worker 3 stuck 12.0 s in POST /reports (req 44), still running, 100% on-CPU
 *
 * The early report of a block still going on also lists, on indented lines below, the requests
 * that were in flight when it was detected, oldest first, and the outbound call each waits for.
 *
 * Strings that come from requests (URL, method, route) are escaped: a URL cannot add lines or
 * terminal escapes to the log.
 *
 * @example
 * watchdog = startWatchdog({ onBlock: (report) => console.error(formatBlockReport(report)) });
 */
export function formatBlockReport(report: BlockReport, options: { cwd?: string } = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const parts: string[] = [];
  if (report.thread === "main") {
    parts.push(`BLOCKED ${duration(report.durationMs)}${report.ended ? "" : " so far, still blocked,"}`);
    parts.push(where(report));
  } else {
    parts.push(`thread worker ${report.thread.workerId} stuck ${duration(report.durationMs)}`);
    parts.push(where(report) + (report.ended ? "" : ", still running"));
  }
  let line = parts.join(" ");
  const site = stackSite(report.frames, cwd);
  if (site !== null) line += ` ${site}`;
  else if (report.thread === "main") line += report.ended ? ", no stack" : ", no stack yet";
  if (site !== null && !report.capturedDuring) line += " (stack taken when the native call returned)";
  const share = classText(report.class);
  if (share !== null) line += `, ${share}`;
  if (report.suppressedBefore > 0) line += ` (+${report.suppressedBefore} like it not reported)`;
  if (!report.ended && report.inFlight !== undefined) {
    for (const entry of report.inFlight.slice(0, MAX_IN_FLIGHT_LINES)) {
      line += `\n  in flight: req ${entry.id} ${clean(entry.request, MAX_URL_CHARS)}, ${duration(entry.ageMs)}`;
      if (entry.outbound !== undefined) {
        line += `, waiting ${duration(entry.outbound.waitingMs)} for ${clean(entry.outbound.call, MAX_URL_CHARS)}`;
      }
    }
    if (report.inFlight.length > MAX_IN_FLIGHT_LINES) line += `\n  in flight: ${report.inFlight.length - MAX_IN_FLIGHT_LINES} more`;
  }
  return line;
}

function where(report: BlockReport): string {
  const request = report.request;
  if (report.outsideRequest) {
    const origin = report.origin ? clean(report.origin, 20) : "";
    if (request === undefined) return `outside any request${origin ? ` (${origin})` : ""}`;
    const from = `${routeLabel(request.method, request.route, request.url)} (req ${request.id})`;
    return `outside any request (${origin ? `${origin} ` : ""}left behind by ${from}, already answered)`;
  }
  if (request === undefined) {
    return report.thread === "main" ? "in unknown code" : `in ${clean(report.thread.route, MAX_NAME_CHARS)}`;
  }
  const label = `${routeLabel(request.method, request.route, request.url)} (req ${request.id})`;
  return report.attribution === "slot" ? `in ${label}, the last request to enter a handler` : `in ${label}`;
}

function routeLabel(method: string, route: string, url: string | undefined): string {
  const target = route !== "" ? route : url !== undefined ? url : "?";
  const shown = clean(target, route !== "" ? MAX_NAME_CHARS : MAX_URL_CHARS);
  return method === "" ? shown : `${clean(method, 16)} ${shown}`;
}

/** "at fn (file:line)" for the innermost app frame, plus the runtime call it was inside. */
function stackSite(frames: readonly BlockFrame[], cwd: string): string | null {
  if (frames.length === 0) return null;
  const appIndex = frames.findIndex((frame) => !isRuntimeFrame(frame));
  const index = appIndex < 0 ? 0 : appIndex;
  const frame = frames[index]!;
  let text = `at ${clean(frame.fn, MAX_NAME_CHARS)} (${location(frame, cwd)})`;
  const callee = index > 0 ? frames[index - 1] : undefined;
  if (callee !== undefined) text += ` in ${clean(callee.fn, MAX_NAME_CHARS)}`;
  return text;
}

function location(frame: BlockFrame, cwd: string): string {
  if (frame.file === "") return "native";
  let file = frame.file;
  if (isAbsolute(file)) {
    const fromCwd = relative(cwd, file);
    if (fromCwd !== "" && !fromCwd.startsWith("..") && !isAbsolute(fromCwd)) file = fromCwd.split(sep).join("/");
  }
  const at = `${clean(file, 300)}:${frame.line}`;
  return frame.unmapped ? `${at}:${frame.col} in transpiled code` : at;
}

function classText(share: BlockClass | null): string | null {
  if (share === null) return null;
  const parts = [
    { value: share.onCpu, label: "on-CPU" },
    { value: share.offCpu, label: "off-CPU (sleeping in a syscall or wait)" },
    { value: share.runqueue, label: "waiting for a CPU (machine busy, not this code)" },
  ].sort((a, b) => b.value - a.value);
  const shown = parts.filter((part, index) => index === 0 || part.value >= NOTABLE_SHARE);
  return shown.map((part) => `${Math.round(part.value * 100)}% ${part.label}`).join(", ");
}

function duration(ms: number): string {
  return ms < 100 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Escapes control characters (newlines, terminal escapes) and shortens long values. */
export function clean(value: string, maxChars: number): string {
  const short = value.length > maxChars ? `${value.slice(0, maxChars)}…` : value;
  return short.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}
