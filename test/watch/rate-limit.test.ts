import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FingerprintRateLimiter } from "../../src/watch/rate-limit.js";
import { runFixture } from "./run-fixture.js";

describe("watchdog: rate limiting per stack fingerprint", () => {
  it("reports a repeated blocking code path once, and counts every block", async () => {
    const run = await runFixture("rate-limit");
    assert.equal(run.code, 0, run.stderr);
    const ended = run.reports.filter((r) => r.ended && r.request?.route === "/repeat");
    const sites = ended.map((r) => r.frames.find((f) => f.fn === "sameSite" || f.fn === "otherSite")?.fn);
    assert.deepEqual(sites, ["sameSite", "otherSite"]);
    assert.notEqual(ended[0]!.fingerprint, ended[1]!.fingerprint);
    const stats = run.events.find((event) => event.type === "stats")!;
    assert.equal(stats["blocks"], 4);
    assert.equal(stats["suppressed"], 2);
    const byRoute = stats["byRoute"] as Record<string, { blocks: number; blockedMs: number }>;
    assert.equal(byRoute["GET /repeat"]!.blocks, 4);
    assert.equal(byRoute["GET /repeat"]!.blockedMs, stats["blockedMs"]);
  });

  it("lets one report per window through and tells how many were held back", () => {
    const limiter = new FingerprintRateLimiter(1000);
    assert.deepEqual(limiter.decide("a", 0), { report: true, suppressedBefore: 0 });
    assert.deepEqual(limiter.decide("a", 10), { report: false, suppressedBefore: 0 });
    assert.deepEqual(limiter.decide("b", 20), { report: true, suppressedBefore: 0 });
    assert.deepEqual(limiter.decide("a", 999), { report: false, suppressedBefore: 0 });
    assert.deepEqual(limiter.decide("a", 1000), { report: true, suppressedBefore: 2 });
    assert.deepEqual(limiter.decide("a", 1500), { report: false, suppressedBefore: 0 });
  });

  it("with a zero window reports everything", () => {
    const limiter = new FingerprintRateLimiter(0);
    for (let i = 0; i < 5; i++) assert.equal(limiter.decide("same", 100).report, true);
  });

  it("stays bounded under a flood of distinct fingerprints", () => {
    const limiter = new FingerprintRateLimiter(60_000);
    for (let i = 0; i < 50_000; i++) limiter.decide(`fp${i}`, i);
    // Recent fingerprints are still limited after the flood.
    assert.equal(limiter.decide("fp49999", 50_000).report, false);
  });
});
