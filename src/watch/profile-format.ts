import { summarizeProfile, type ProfileSummary } from "./profile-summary.js";
import type { RequestProfile } from "./request-profile.js";

/**
 * The `Server-Timing` value of a request's profile, built as the response is sent:
 *
 *     total;dur=96.8, validate;dur=0.1, handler;dur=95.2, serialize;dur=0.1,
 *     outbound;dur=94.1;desc="3 calls ran one after another; run together they would save ~62 ms"
 *
 * `total` runs from arrival until now; a phase that took under 0.05 ms is left out (a header is
 * sent with every response: no bytes for zeros); `loop` and `wait` are added for sampled
 * requests. The common case (no outbound call, not sampled) concatenates a few numbers.
 *
 * @example
 * response.headers["server-timing"] = serverTiming(req.context.profile!, performance.now());
 */
export function serverTiming(profile: RequestProfile, now: number): string {
  let value = "total;dur=" + tenths(now - profile.startedAt);
  if (profile.parseUs >= VISIBLE_US) value += ", parse;dur=" + tenthsOfMicros(profile.parseUs);
  if (profile.depsUs >= VISIBLE_US) value += ", deps;dur=" + tenthsOfMicros(profile.depsUs);
  if (profile.validateUs >= VISIBLE_US) value += ", validate;dur=" + tenthsOfMicros(profile.validateUs);
  if (profile.handlerUs >= VISIBLE_US) value += ", handler;dur=" + tenthsOfMicros(profile.handlerUs);
  if (profile.serializeUs >= VISIBLE_US) value += ", serialize;dur=" + tenthsOfMicros(profile.serializeUs);
  if (profile.calls === undefined && !profile.sampled) return value;
  const summary = summarizeProfile(profile, now);
  const outbound = summary.outbound;
  if (outbound !== undefined) {
    const desc = summary.hint?.text ?? `${outbound.count} call${outbound.count === 1 ? "" : "s"}, at most ${outbound.maxConcurrency} at a time`;
    value += `, outbound;dur=${outbound.busyMs};desc=${quoted(desc)}`;
  }
  if (summary.onLoopMs !== undefined) value += `, loop;dur=${summary.onLoopMs}, wait;dur=${summary.waitingMs}`;
  return value;
}

/** Phases shorter than this (µs) would print as `dur=0`. */
const VISIBLE_US = 50;

/**
 * Milliseconds to one decimal, written from integers: turning a fractional double into text is
 * several times slower than turning small integers into text, and this runs on every response.
 */
function tenths(ms: number): string {
  return tenthsOfMicros(Math.round(ms * 1000));
}

function tenthsOfMicros(us: number): string {
  const count = Math.round(us / 100);
  if (!(count >= 0)) return "0";
  const whole = Math.floor(count / 10);
  const tenth = count - whole * 10;
  return tenth === 0 ? "" + whole : whole + "." + tenth;
}

/** A quoted-string for a header: our own text, but quotes and backslashes are escaped all the same. */
function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (char) => `\\${char}`).replace(/[^\x20-\x7e]/g, "?")}"`;
}

/**
 * The profile in a few words for the request log line:
 * `handler 95.2 ms, 3 outbound calls (max 1 at a time): 3 calls ran one after another; run
 * together they would save ~62 ms`. Empty when there is nothing beyond the wall time.
 *
 * @example
 * logger.info(`GET /universities 200 96.8 ms ${profileText(summary)}`);
 */
export function profileText(summary: ProfileSummary): string {
  const parts: string[] = [];
  const { phases } = summary;
  if (phases.handler !== undefined) parts.push(`handler ${phases.handler} ms`);
  if (summary.onLoopMs !== undefined) parts.push(`on loop ${summary.onLoopMs} ms, waiting ${summary.waitingMs} ms`);
  const outbound = summary.outbound;
  if (outbound !== undefined) {
    const calls = `${outbound.count} outbound call${outbound.count === 1 ? "" : "s"} (max ${outbound.maxConcurrency} at a time, ${outbound.busyMs} ms)`;
    parts.push(summary.hint === undefined ? calls : `${calls}: ${summary.hint.text}`);
  }
  return parts.join(", ");
}
