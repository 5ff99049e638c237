import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { markRequest, nextRequestId, startWatchdog } from "../../src/watch/index.js";
import { runFixture } from "./run-fixture.js";

describe("watchdog: process lifetime", () => {
  // Each fixture ends by itself; the kill timer only turns a hang into a failure.
  for (const [mode, last] of [
    ["stop", "stopped"],
    ["running", "leaving-running"],
    ["exit", "exiting"],
    ["exit-while-stopping", "exiting"],
  ] as const) {
    it(`the process ends on its own (${mode})`, async () => {
      const run = await runFixture("lifecycle", { args: [mode], killAfterMs: 20_000 });
      assert.equal(run.timedOut, false, `hung: ${run.stderr}`);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.events.at(-1)?.type, last);
      assert.ok(run.events.some((event) => event.type === "case-done" && event["reported"] === true));
      assert.doesNotMatch(run.stderr, /Waiting for the debugger/);
    });
  }

  it("process.exit() while the thread is still loading: it never opens its session", async () => {
    const run = await runFixture("lifecycle", { args: ["exit-while-loading"], killAfterMs: 20_000 });
    assert.equal(run.timedOut, false, `hung: ${run.stderr}`);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.events.at(-1)?.type, "exiting");
    assert.doesNotMatch(run.stderr, /Waiting for the debugger/);
  });

  it("process.exit() under --inspect does not wait for the watchdog's session", async () => {
    const run = await runFixture("lifecycle", { args: ["exit"], nodeArgs: ["--inspect=127.0.0.1:0"], killAfterMs: 20_000 });
    assert.equal(run.timedOut, false, `hung: ${run.stderr}`);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.events.at(-1)?.type, "exiting");
    assert.doesNotMatch(run.stderr, /Waiting for the debugger/);
  });

  it("stop() ends the thread, and a second watchdog can start after it", async () => {
    const first = startWatchdog({ logger: false });
    assert.equal((await first.ready).running, true);
    assert.throws(() => startWatchdog({ logger: false }), /already running/);
    await first.stop();
    await first.stop(); // idempotent
    assert.equal((await first.ready).running, true);
    const second = startWatchdog({ logger: false, captureStacks: false });
    assert.deepEqual(await second.ready, { running: true, capture: "off", debuggerAware: false });
    await second.stop();
  });

  it("markRequest does nothing while no watchdog runs", () => {
    assert.doesNotThrow(() => markRequest({ id: nextRequestId(), method: "GET", url: "/", route: "/", startedAt: 0 }));
  });

  it("enabled: false gives an inert handle", async () => {
    const handle = startWatchdog({ enabled: false });
    assert.equal(handle.enabled, false);
    assert.deepEqual(await handle.ready, { running: false, capture: "off", debuggerAware: false, detail: "disabled by options" });
    assert.equal(handle.allocateThreadLane(), null);
    assert.equal(handle.stats.blocks, 0);
    await handle.stop();
  });

  it("rejects options that are not what they claim", () => {
    const bad: [object, RegExp][] = [
      [{ thresholdMs: Number.NaN }, /thresholdMs/],
      [{ thresholdMs: -1 }, /thresholdMs/],
      [{ thresholdMs: 5 }, /thresholdMs/],
      [{ thresholdMs: Infinity }, /thresholdMs/],
      [{ thresholdMs: "250" }, /thresholdMs/],
      [{ rateLimitMs: -5 }, /rateLimitMs/],
      [{ neverEndingReportAfterMs: Number.NaN }, /neverEndingReportAfterMs/],
      [{ threadStuckAfterMs: 0 }, /threadStuckAfterMs/],
      [{ threadLanes: 1.5 }, /threadLanes/],
      [{ threadLanes: 100_000 }, /threadLanes/],
      [{ stuckReportFd: -1 }, /stuckReportFd/],
      [{ stuckReportFd: 2.5 }, /stuckReportFd/],
      [{ logger: {} }, /logger/],
      [{ onBlock: "log" }, /onBlock/],
    ];
    for (const [options, message] of bad) assert.throws(() => startWatchdog(options as never), message, JSON.stringify(options));
  });
});
