import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixturesDir, markerLine, runFixture, topFrames } from "./run-fixture.js";

describe("watchdog: who is blamed", () => {
  it("blames the request whose code blocks, not the last one to enter a handler", async () => {
    const run = await runFixture("in-flight");
    assert.equal(run.code, 0, run.stderr);
    const reportId = run.events.find((event) => event.type === "case-done")?.["reportId"];
    const requests = run.events.filter((event) => event.type === "request");
    assert.equal(requests.length, 41);
    // The premise: /report entered first, so the last-entered slot names a /fast request.
    assert.equal(requests[0]!["id"], reportId);
    assert.equal(requests.at(-1)!["route"], "/fast/{n}");
    const report = run.reports.find((r) => r.ended && r.request?.route === "/report");
    assert.ok(report, `no /report block; reports: ${JSON.stringify(run.reports.map((r) => r.request))}`);
    assert.equal(report.request!.id, reportId);
    assert.equal(report.request!.url, "/report?year=2024");
    assert.equal(report.attribution, "context");
    const frame = report.frames.find((f) => f.fn === "buildReport");
    assert.ok(frame, topFrames(report));
    assert.equal(frame.line, markerLine(`${fixturesDir}in-flight.ts`, "report"));
    assert.equal(
      run.reports.filter((r) => r.request?.route === "/fast/{n}" && (r.class === null || r.class.runqueue < 0.5)).length,
      0,
      "a /fast request was blamed",
    );
  });

  it("reports a timer callback that blocks outside any request as such", async () => {
    const run = await runFixture("outside-request");
    assert.equal(run.code, 0, run.stderr);
    const report = run.reports.find((r) => r.ended && r.frames.some((f) => f.fn === "burnInTimer"));
    assert.ok(report, `no report from burnInTimer: ${JSON.stringify(run.reports)}`);
    assert.equal(report.outsideRequest, true);
    assert.equal(report.request, undefined);
    assert.equal(report.attribution, "context");
    assert.equal(report.origin, "timer");
    const frame = report.frames.find((f) => f.fn === "burnInTimer")!;
    assert.equal(frame.file, `${fixturesDir}outside-request.ts`);
    assert.equal(frame.line, markerLine(`${fixturesDir}outside-request.ts`, "timer"));
  });

  it("without stack capture, falls back to the request slot and says so", async () => {
    const run = await runFixture("no-capture");
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.events.find((event) => event.type === "ready")?.["status"], {
      running: true,
      capture: "off",
      debuggerAware: false,
    });
    const id = run.events.find((event) => event.type === "case-done")?.["id"];
    const report = run.reports.find((r) => r.ended && r.request?.id === id);
    assert.ok(report, JSON.stringify(run.reports));
    assert.equal(report.attribution, "slot");
    assert.deepEqual(report.request, { id, method: "DELETE", route: "/items/{id}" });
    assert.deepEqual(report.frames, []);
    assert.equal(report.capturedDuring, false);
    assert.equal(report.captureLagMs, null);
  });
});
