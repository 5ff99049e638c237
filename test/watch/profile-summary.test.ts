import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { concurrencyHint, overlapOf, summarizeProfile } from "../../src/watch/profile-summary.js";
import { profileText, serverTiming } from "../../src/watch/profile-format.js";
import { MAX_CALLS_PER_REQUEST, RequestProfile, type OutboundCall } from "../../src/watch/request-profile.js";

function call(startMs: number, endMs: number | undefined, extra: Partial<OutboundCall> = {}): OutboundCall {
  return { method: "GET", url: "http://api/x", client: "fetch", startMs, headersMs: endMs, endMs, status: 200, error: undefined, ...extra };
}

function profileWith(calls: OutboundCall[], endedAfter = 100): RequestProfile {
  const profile = new RequestProfile(1000, false, {});
  for (const each of calls) profile.addCall(each);
  profile.endedAt = 1000 + endedAfter;
  return profile;
}

describe("request profile: outbound calls and their overlap", () => {
  it("counts back-to-back calls as sequential", () => {
    assert.deepEqual(overlapOf([[0, 30], [30, 60], [60, 90]]), { maxConcurrency: 1, unionMs: 90 });
    assert.deepEqual(overlapOf([[0, 30], [1, 31], [2, 32]]), { maxConcurrency: 3, unionMs: 32 });
    assert.deepEqual(overlapOf([[0, 50], [10, 20], [60, 70]]), { maxConcurrency: 2, unionMs: 60 });
    assert.deepEqual(overlapOf([]), { maxConcurrency: 0, unionMs: 0 });
    // Zero-length calls (a cached answer) overlap nothing.
    assert.deepEqual(overlapOf([[5, 5], [5, 5]]), { maxConcurrency: 1, unionMs: 0 });
  });

  it("hints at the saving when independent calls did not overlap, and only then", () => {
    assert.deepEqual(concurrencyHint(3, 1, 94, 32), { text: "3 calls ran one after another; run together they would save ~62 ms", saveMs: 62 });
    assert.deepEqual(concurrencyHint(4, 2, 100, 40), { text: "4 calls ran at most 2 at a time; run together they would save ~60 ms", saveMs: 60 });
    assert.equal(concurrencyHint(3, 3, 32, 32), undefined);
    assert.equal(concurrencyHint(1, 1, 30, 30), undefined);
    assert.equal(concurrencyHint(2, 1, 0.6, 0.3), undefined, "a saving under a millisecond is not worth saying");
  });

  it("summarizes a sequential request: timeline, busy time, the hint", () => {
    const summary = summarizeProfile(profileWith([call(0.2, 30.5), call(31.3, 62.9), call(63.9, 95.2)]));
    assert.equal(summary.wallMs, 100);
    assert.equal(summary.outbound?.count, 3);
    assert.equal(summary.outbound?.maxConcurrency, 1);
    assert.equal(summary.outbound?.busyMs, 93.2);
    assert.deepEqual(summary.hint, { text: "3 calls ran one after another; run together they would save ~62 ms", saveMs: 62 });
    assert.deepEqual(summary.outbound?.calls[1], { method: "GET", url: "http://api/x", client: "fetch", startMs: 31.3, headersMs: 62.9, endMs: 62.9, status: 200 });
  });

  it("closes calls still open at the end of the request, and keeps failures", () => {
    const summary = summarizeProfile(profileWith([call(10, undefined, { headersMs: undefined, status: undefined }), call(20, 25, { error: "TypeError: fetch failed" })], 50));
    assert.equal(summary.outbound?.busyMs, 40);
    assert.equal(summary.outbound?.calls[0]!.endMs, undefined);
    assert.equal(summary.outbound?.calls[1]!.error, "TypeError: fetch failed");
  });

  it("keeps a bounded number of calls per request and counts the rest", () => {
    const profile = new RequestProfile(0, false, {});
    for (let i = 0; i < MAX_CALLS_PER_REQUEST + 10; i++) profile.addCall(call(i, i + 1));
    profile.endedAt = 1000;
    const summary = summarizeProfile(profile);
    assert.equal(summary.outbound?.count, MAX_CALLS_PER_REQUEST);
    assert.equal(summary.outbound?.dropped, 10);
  });

  it("records phases from the route's timestamps, parsing apart from validation", () => {
    const profile = new RequestProfile(0, false, {});
    profile.parseUs = 2000;
    profile.recordPhases(10, 15, 20, 70, 71);
    profile.endedAt = 72;
    assert.deepEqual(summarizeProfile(profile).phases, { parse: 2, deps: 5, validate: 3, handler: 50, serialize: 1 });
  });

  it("gives sampled requests their time on the loop and waiting, never more than the wall time", () => {
    const profile = new RequestProfile(0, true, {});
    profile.onLoopMs = 130;
    profile.endedAt = 100;
    const summary = summarizeProfile(profile);
    assert.equal(summary.onLoopMs, 100);
    assert.equal(summary.waitingMs, 0);
  });

  it("writes a Server-Timing value that survives hostile text in its description", () => {
    const profile = profileWith([call(0, 10, { url: 'http://x/"\\\n\u00e9' }), call(10, 20)], 30);
    profile.recordPhases(0, 0, 0, 25, 26);
    const value = serverTiming(profile, 1030);
    // Phases under 0.05 ms (validate here) are left out of the header.
    assert.match(value, /^total;dur=30, handler;dur=25, serialize;dur=1, outbound;dur=20;desc="2 calls ran one after another; run together they would save ~10 ms"$/);
    // Only our own words go into desc; still, anything quoted is escaped and ASCII-only.
    assert.doesNotMatch(value, /[\n\u00e9]/);
    const plain = new RequestProfile(0, false, {});
    assert.equal(serverTiming(plain, 12.345), "total;dur=12.3");
  });

  it("says the profile in a few words for the log line", () => {
    const profile = profileWith([call(0, 30), call(30, 60), call(60, 90)]);
    profile.recordPhases(0, 0, 0, 95, 96);
    assert.equal(
      profileText(summarizeProfile(profile)),
      "handler 95 ms, 3 outbound calls (max 1 at a time, 90 ms): 3 calls ran one after another; run together they would save ~60 ms",
    );
    assert.equal(profileText(summarizeProfile(new RequestProfile(0, false, {}), 5)), "");
  });
});
