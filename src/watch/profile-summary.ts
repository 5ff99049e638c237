import type { OutboundCall, RequestProfile } from "./request-profile.js";
import { performance } from "node:perf_hooks";

/** One outbound call on the request's timeline (ms from its arrival). */
export interface OutboundCallView {
  method: string;
  url: string;
  client: "fetch" | "http";
  startMs: number;
  /** Response headers; absent when none arrived. */
  headersMs?: number;
  /** End of the body or the error; absent while the call is still open. */
  endMs?: number;
  status?: number;
  error?: string;
}

/** The outbound HTTP calls of a request and how they overlapped. */
export interface OutboundSummary {
  count: number;
  /** Most calls open at the same moment. 1 means they ran one after another. */
  maxConcurrency: number;
  /** Time during which at least one call was open (the union of their intervals), in ms. */
  busyMs: number;
  /** Sum of the calls' durations, in ms. */
  totalMs: number;
  /** Calls not timed because the request made more than the profile keeps. */
  dropped: number;
  calls: OutboundCallView[];
}

/** What could be gained by running a request's independent calls together. */
export interface ConcurrencyHint {
  /** "3 calls ran one after another; run together they would save ~62 ms". */
  text: string;
  saveMs: number;
}

/** A request's profile, in milliseconds rounded to 0.1. */
export interface ProfileSummary {
  /** Arrival to response written (or to now, while in flight). */
  wallMs: number;
  phases: { parse?: number; deps?: number; validate?: number; handler?: number; serialize?: number };
  /** Sampled requests: time running on the event loop, and the rest of the wall time. */
  onLoopMs?: number;
  waitingMs?: number;
  outbound?: OutboundSummary;
  hint?: ConcurrencyHint;
}

/** Below this, calls that could overlap are not worth a hint. */
const MIN_SAVING_MS = 1;

export function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/**
 * The profile of a request as numbers a person reads: phases, outbound calls with their overlap,
 * and the hint when calls ran one after another. `now` closes what is still open (a request in
 * flight, a call whose body was never read).
 *
 * @example
 * const summary = summarizeProfile(req.context.profile!);
 * summary.hint?.text; // "3 calls ran one after another; run together they would save ~62 ms"
 */
export function summarizeProfile(profile: RequestProfile, now: number = profile.endedAt || performance.now()): ProfileSummary {
  const wall = now - profile.startedAt;
  const phases: ProfileSummary["phases"] = {};
  if (profile.parseUs > 0) phases.parse = round1(profile.parseUs / 1000);
  if (profile.depsUs >= 0) phases.deps = round1(profile.depsUs / 1000);
  if (profile.validateUs >= 0) phases.validate = round1(profile.validateUs / 1000);
  if (profile.handlerUs >= 0) phases.handler = round1(profile.handlerUs / 1000);
  if (profile.serializeUs >= 0) phases.serialize = round1(profile.serializeUs / 1000);
  const summary: ProfileSummary = { wallMs: round1(wall), phases };
  if (profile.sampled) {
    const onLoop = Math.min(profile.onLoopMs, wall);
    summary.onLoopMs = round1(onLoop);
    summary.waitingMs = round1(wall - onLoop);
  }
  const calls = profile.calls;
  if (calls !== undefined && calls.length > 0) {
    const outbound = summarizeCalls(calls, wall, profile.droppedCalls);
    summary.outbound = outbound;
    const hint = concurrencyHint(outbound.count, outbound.maxConcurrency, outbound.busyMs, longestCall(calls, wall));
    if (hint !== undefined) summary.hint = hint;
  }
  return summary;
}

function summarizeCalls(calls: readonly OutboundCall[], openUntil: number, dropped: number): OutboundSummary {
  const intervals = calls.map((call) => [call.startMs, endOf(call, openUntil)] as const);
  const { maxConcurrency, unionMs } = overlapOf(intervals);
  return {
    count: calls.length,
    maxConcurrency,
    busyMs: round1(unionMs),
    totalMs: round1(intervals.reduce((sum, [start, end]) => sum + (end - start), 0)),
    dropped,
    calls: calls.map(viewOf),
  };
}

function viewOf(call: OutboundCall): OutboundCallView {
  const view: OutboundCallView = { method: call.method, url: call.url, client: call.client, startMs: round1(call.startMs) };
  if (call.headersMs !== undefined) view.headersMs = round1(call.headersMs);
  if (call.endMs !== undefined) view.endMs = round1(call.endMs);
  if (call.status !== undefined) view.status = call.status;
  if (call.error !== undefined) view.error = call.error;
  return view;
}

function endOf(call: OutboundCall, openUntil: number): number {
  return Math.max(call.startMs, call.endMs ?? call.headersMs ?? openUntil);
}

function longestCall(calls: readonly OutboundCall[], openUntil: number): number {
  let longest = 0;
  for (const call of calls) longest = Math.max(longest, endOf(call, openUntil) - call.startMs);
  return longest;
}

/**
 * The most intervals open at one moment, and the length of their union. An interval that ends
 * exactly where the next starts does not overlap it.
 *
 * @example
 * overlapOf([[0, 30], [30, 60], [60, 90]]); // { maxConcurrency: 1, unionMs: 90 }
 */
export function overlapOf(intervals: readonly (readonly [number, number])[]): { maxConcurrency: number; unionMs: number } {
  // Ends sort before starts at the same time: back-to-back calls are sequential.
  const edges: [time: number, delta: number][] = [];
  // A call that took no time (an answer from a cache) adds nothing to overlap or busy time.
  for (const [start, end] of intervals) if (end > start) edges.push([start, 1], [end, -1]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let maxConcurrency = 0;
  let unionMs = 0;
  let openedAt = 0;
  for (const [time, delta] of edges) {
    if (open === 0 && delta > 0) openedAt = time;
    open += delta;
    if (open === 0 && delta < 0) unionMs += time - openedAt;
    if (open > maxConcurrency) maxConcurrency = open;
  }
  return { maxConcurrency: intervals.length > 0 ? Math.max(1, maxConcurrency) : 0, unionMs };
}

/**
 * The hint for calls that did not all overlap: if independent, started together they would take
 * about as long as the longest one, so the saving is the busy time minus that.
 *
 * @example
 * concurrencyHint(3, 1, 94, 32)?.text; // "3 calls ran one after another; run together they would save ~62 ms"
 */
export function concurrencyHint(count: number, maxConcurrency: number, busyMs: number, longestMs: number): ConcurrencyHint | undefined {
  if (count < 2 || maxConcurrency >= count) return undefined;
  const saveMs = Math.round(busyMs - longestMs);
  if (saveMs < MIN_SAVING_MS) return undefined;
  const how = maxConcurrency <= 1 ? "ran one after another" : `ran at most ${maxConcurrency} at a time`;
  return { text: `${count} calls ${how}; run together they would save ~${saveMs} ms`, saveMs };
}
