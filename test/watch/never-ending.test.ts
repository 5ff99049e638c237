import assert from "node:assert/strict";
import { it } from "node:test";
import { fixturesDir, markerLine, runFixture, topFrames } from "./run-fixture.js";

it("watchdog: a block that outlasts neverEndingReportAfterMs is reported while it goes on, then when it ends", async () => {
  const run = await runFixture("never-ending");
  assert.equal(run.code, 0, run.stderr);
  const id = run.events.find((event) => event.type === "case-done")?.["id"];
  const returnedAt = run.events.findIndex((event) => event.type === "block-returned");
  // The watchdog thread wrote this line itself while the main thread was inside execSync.
  const writtenAt = run.events.findIndex((event) => event.type === "log" && event["msg"] === "event loop still blocked");
  assert.ok(writtenAt >= 0, `no early line: ${JSON.stringify(run.events.slice(0, 5))}`);
  assert.ok(writtenAt < returnedAt, "the early report came after the block had already ended");
  const early = run.events[writtenAt]!["block"] as (typeof run.reports)[number];
  assert.equal(early.ended, false);
  assert.equal(early.attribution, "slot");
  assert.deepEqual(early.request, { id, method: "GET", route: "/stuck" });
  assert.deepEqual(early.frames, []);
  if (early.class !== null) assert.ok(early.class.offCpu > 0.5, JSON.stringify(early.class));

  // onBlock gets both, in order, for the same block.
  const reports = run.reports.filter((r) => r.blockId === early.blockId);
  assert.deepEqual(
    reports.map((r) => r.ended),
    [false, true],
  );
  const final = reports[1]!;
  assert.ok(final.durationMs > early.durationMs);
  assert.equal(final.attribution, "context");
  assert.equal(final.request?.url, "/stuck");
  assert.equal(final.capturedDuring, false);
  assert.equal(final.fingerprint, early.fingerprint);
  assert.equal(final.at, early.at);
  const frame = final.frames.find((f) => f.fn === "waitForChild");
  assert.ok(frame, topFrames(final));
  assert.equal(frame.line, markerLine(`${fixturesDir}never-ending.ts`, "stuck"));
});
