import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fireTogether, renderTimeline } from "../../examples/s1-blocking/experiment.js";
import { repoRoot } from "../support/node-bin.js";
import { spawnApp, type SpawnedApp } from "../support/spawn-app.js";

// S1: the assertions are about order (who finished before whom), never about absolute times.
describe("example S1: a blocking call in an async handler stalls the whole server", () => {
  let app: SpawnedApp;
  before(async () => {
    app = await spawnApp(path.join(repoRoot, "examples/s1-blocking/app.ts"), { S1_SECONDS: "0.6", LOG_LEVEL: "info" });
  });
  after(async () => {
    assert.equal(await app.stop(), 0, "the example exits cleanly on SIGTERM");
  });

  it("with non-blocking sleeps, /healthcheck answers before any / finishes", async () => {
    const t = await fireTogether(app.url, ["/", "/", "/", "/", "/healthcheck"]);
    const health = t.find((x) => x.path === "/healthcheck")!;
    for (const x of t.filter((x) => x.path === "/")) assert.ok(health.endedMs < x.endedMs, renderTimeline(t));
    // the four sleeps overlap: each one ends after all of them started
    const lastStart = Math.max(...t.map((x) => x.startedMs));
    for (const x of t.filter((x) => x.path === "/")) assert.ok(x.endedMs > lastStart);
  });

  it("with a blocking /slow in the mix, requests are served one after another", async () => {
    const t = await fireTogether(app.url, ["/slow", "/slow", "/", "/", "/healthcheck"]);
    const slowEnds = t.filter((x) => x.path === "/slow").map((x) => x.endedMs).sort((a, b) => a - b);
    const health = t.find((x) => x.path === "/healthcheck")!;
    // /healthcheck does nothing, yet it could only be answered after the first blocking /slow ended
    assert.ok(health.endedMs > slowEnds[0]!, renderTimeline(t));
    // and the two /slow did not overlap: the server log shows the second started after the first ended
    const events = app
      .output()
      .split("\n")
      .filter((l) => l.includes('"url":"/slow"'))
      .map((l) => JSON.parse(l) as { event: string; reqId: number });
    const firstEnd = events.findIndex((e) => e.event === "end");
    const secondStart = events.findIndex((e, i) => e.event === "start" && i > 0);
    assert.ok(firstEnd >= 0 && secondStart > firstEnd, JSON.stringify(events));
  });

  it("with the same blocking handler on the thread lane (/slow-thread), nothing waits behind it", async () => {
    const mark = app.output().length;
    const t = await fireTogether(app.url, ["/slow-thread", "/slow-thread", "/", "/", "/", "/", "/healthcheck"]);
    assert.ok(t.every((x) => x.status === 200), renderTimeline(t));
    // The access log, written by the event loop in the order things happened there.
    const events = app
      .output()
      .slice(mark)
      .split("\n")
      .filter((l) => l.includes('"event":"'))
      .map((l) => JSON.parse(l) as { event: string; url: string; reqId: number });
    const order = (event: string, url: string) => events.flatMap((e, i) => (e.event === event && e.url === url ? [i] : []));
    const firstSlowEnd = Math.min(...order("end", "/slow-thread"));
    // every / and /healthcheck was taken up while the blocking calls were still running...
    assert.equal(order("start", "/").length, 4);
    for (const i of [...order("start", "/"), ...order("start", "/healthcheck")]) assert.ok(i < firstSlowEnd, JSON.stringify(events));
    // ...and /healthcheck was answered before either of them finished
    assert.ok(Math.max(...order("end", "/healthcheck")) < firstSlowEnd, JSON.stringify(events));
    // the two blocking calls ran at the same time, on two pool threads
    assert.ok(Math.max(...order("start", "/slow-thread")) < firstSlowEnd, JSON.stringify(events));
    const health = t.find((x) => x.path === "/healthcheck")!;
    for (const slow of t.filter((x) => x.path === "/slow-thread")) assert.ok(health.endedMs < slow.endedMs, renderTimeline(t));
  });
});
