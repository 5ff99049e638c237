import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fireTogether, renderTimeline } from "../../examples/s1-blocking/experiment.js";
import { startFakeUpstream, type FakeUpstream, type UpstreamEvent } from "../../examples/s2-upstream/upstream.js";
import { repoRoot } from "../support/node-bin.js";
import { spawnApp, type SpawnedApp } from "../support/spawn-app.js";

// SCENARIOS S2, scaled down: each upstream call takes 300 ms. The upstream records, in order,
// when each of our requests' calls arrived and were answered; the assertions are about that order.
const DELAY_MS = 300;

/** Requests (by their `from` tag) in the order their first call reached the upstream. */
function callers(events: UpstreamEvent[]): string[] {
  return [...new Set(events.filter((e) => e.event === "arrived").map((e) => e.from))];
}

function indexOf(events: UpstreamEvent[], predicate: (e: UpstreamEvent) => boolean): number {
  return events.findIndex(predicate);
}

describe("S2: a slow upstream called with a blocking client", () => {
  let upstream: FakeUpstream;
  let app: SpawnedApp;
  before(async () => {
    upstream = await startFakeUpstream({ delayMs: DELAY_MS });
    app = await spawnApp(path.join(repoRoot, "examples/s2-upstream/app.ts"), { UPSTREAM_URL: upstream.url, LOG_LEVEL: "info" });
  });
  after(async () => {
    assert.equal(await app.stop(), 0, "the example exits cleanly on SIGTERM");
    await upstream.close();
  });

  async function experiment(route: string) {
    const mark = upstream.events.length;
    const timings = await fireTogether(app.url, [route, route, "/healthcheck"]);
    assert.ok(timings.every((t) => t.status === 200), renderTimeline(timings));
    const events = upstream.events.slice(mark);
    const [a, b] = callers(events);
    assert.ok(a !== undefined && b !== undefined && events.length === 8, JSON.stringify(events));
    return { timings, events, a, b };
  }

  it("on the loop lane, a blocking client serializes requests: the second one's calls start after the first one's end", async () => {
    const { timings, events, a, b } = await experiment("/blocking");
    const lastOfFirst = Math.max(...events.flatMap((e, i) => (e.from === a && e.event === "answered" ? [i] : [])));
    const firstOfSecond = indexOf(events, (e) => e.from === b && e.event === "arrived");
    assert.ok(firstOfSecond > lastOfFirst, JSON.stringify(events));
    // /healthcheck does nothing, and still could not be answered before the first request ended.
    const health = timings.find((t) => t.path === "/healthcheck")!;
    const firstDone = Math.min(...timings.filter((t) => t.path === "/blocking").map((t) => t.endedMs));
    assert.ok(health.endedMs > firstDone, renderTimeline(timings));
  });

  for (const route of ["/blocking-thread", "/fetch"]) {
    it(`with ${route === "/fetch" ? "fetch on the loop lane" : "the blocking client on the thread lane"}, both requests call the upstream at the same time`, async () => {
      const { timings, events, a, b } = await experiment(route);
      const firstAnswer = indexOf(events, (e) => e.event === "answered");
      assert.ok(indexOf(events, (e) => e.from === a && e.event === "arrived") < firstAnswer, JSON.stringify(events));
      assert.ok(indexOf(events, (e) => e.from === b && e.event === "arrived") < firstAnswer, JSON.stringify(events));
      // each request still makes its two calls one after the other, as written
      for (const from of [a, b]) {
        const second = indexOf(events, (e) => e.from === from && e.call === "2" && e.event === "arrived");
        const firstAnswered = indexOf(events, (e) => e.from === from && e.call === "1" && e.event === "answered");
        assert.ok(second > firstAnswered, JSON.stringify(events));
      }
      const health = timings.find((t) => t.path === "/healthcheck")!;
      for (const t of timings.filter((t) => t.path === route)) assert.ok(health.endedMs < t.endedMs, renderTimeline(timings));
    });
  }
});
