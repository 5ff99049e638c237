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
  if (profile.parseMs >= VISIBLE_MS) value += ", parse;dur=" + tenths(profile.parseMs);
  if (profile.depsMs >= VISIBLE_MS) value += ", deps;dur=" + tenths(profile.depsMs);
  if (profile.validateMs >= VISIBLE_MS) value += ", validate;dur=" + tenths(profile.validateMs);
  if (profile.handlerMs >= VISIBLE_MS) value += ", handler;dur=" + tenths(profile.handlerMs);
  if (profile.serializeMs >= VISIBLE_MS) value += ", serialize;dur=" + tenths(profile.serializeMs);
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

/** Phases shorter than this would print as `dur=0`. */
const VISIBLE_MS = 0.05;

/**
 * Milliseconds to one decimal, written from integers: turning a fractional double into text is
 * several times slower than turning small integers into text, and this runs on every response.
 */
function tenths(ms: number): string {
  const count = Math.round(ms * 10);
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
