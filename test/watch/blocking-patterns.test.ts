import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { fixturesDir, markerLine, runFixture, topFrames, type FixtureRun } from "./run-fixture.js";

const fixture = `${fixturesDir}blocking-patterns.ts`;

/** Case name (also its `@line` marker) -> the user's function that blocks. */
const patterns = {
  busy: { fn: "spin" },
  json: { fn: "serializeHuge" },
  regex: { fn: "evilRegex" },
  atomics: { fn: "sleepSync" },
  pbkdf2: { fn: "hashPassword" },
  readfile: { fn: "readBig" },
  exec: { fn: "shellOut" },
} as const;

describe("watchdog: each blocking pattern inside a request", () => {
  let run: FixtureRun;
  before(async () => {
    run = await runFixture("blocking-patterns");
  });

  it("runs every case to the end", () => {
    assert.equal(run.timedOut, false);
    assert.equal(run.code, 0, run.stderr);
    const done = run.events.filter((event) => event.type === "case-done");
    assert.deepEqual(
      done.map((event) => event["name"]),
      Object.keys(patterns),
    );
  });

  for (const [name, expected] of Object.entries(patterns)) {
    it(`${name}: blames its request and points at the TypeScript line`, () => {
      const request = run.events.find((event) => event.type === "request" && event["route"] === `/cases/${name}`);
      assert.ok(request, `no request for ${name}`);
      const report = run.reports.find((r) => r.request?.id === request["id"] && r.ended);
      assert.ok(report, `no report for ${name}; events: ${JSON.stringify(run.events.filter((e) => e.type !== "request"))}`);
      assert.equal(report.thread, "main");
      assert.equal(report.attribution, "context");
      assert.equal(report.outsideRequest, false);
      assert.deepEqual(report.request, { id: request["id"], method: "GET", url: `/cases/${name}?x=1`, route: `/cases/${name}` });
      const line = markerLine(fixture, name);
      // Node's own frames come first when the stack is taken inside its code (readFileSync
      // allocating its buffer is six deep); the user's function follows them.
      const frame = report.frames.slice(0, 10).find((f) => f.fn === expected.fn);
      assert.ok(frame, `${expected.fn} not in top frames: ${topFrames(report, 10)}`);
      assert.equal(frame.file, fixture);
      // The TypeScript line: tsx's transpiled code is minified onto a few lines, so an unmapped
      // position could not match the marker.
      assert.equal(frame.line, line, topFrames(report, 10));
      assert.equal(frame.unmapped, undefined);
      assert.ok(report.durationMs >= 100, `a block is at least the threshold long, got ${report.durationMs}`);
    });
  }

  it("takes interruptible stacks during the block and native ones when the call returns", () => {
    const reportFor = (name: string) => {
      const request = run.events.find((event) => event.type === "request" && event["route"] === `/cases/${name}`);
      return run.reports.find((r) => r.request?.id === request?.["id"] && r.ended)!;
    };
    assert.equal(reportFor("busy").capturedDuring, true);
    assert.equal(reportFor("atomics").capturedDuring, true);
    // execSync waits in waitpid for the whole block: nothing can run JavaScript before it returns.
    const exec = reportFor("exec");
    assert.equal(exec.capturedDuring, false);
    assert.ok(exec.captureLagMs !== null && exec.captureLagMs > 0);
  });

  it("classifies sleeping blocks as off-CPU and computing ones as not", (t) => {
    const classOf = (name: string) => {
      const request = run.events.find((event) => event.type === "request" && event["route"] === `/cases/${name}`);
      return run.reports.find((r) => r.request?.id === request?.["id"] && r.ended)!.class;
    };
    if (classOf("busy") === null) return t.skip("/proc/self/task/<tid>/schedstat is not readable here");
    // On-CPU share depends on how busy the machine is (runqueue), sleeping does not.
    for (const name of ["busy", "json", "regex", "pbkdf2", "readfile"]) {
      assert.ok(classOf(name)!.offCpu < 0.5, `${name}: ${JSON.stringify(classOf(name))}`);
    }
    for (const name of ["atomics", "exec"]) assert.ok(classOf(name)!.offCpu > 0.5, `${name}: ${JSON.stringify(classOf(name))}`);
  });

  it("shows the runtime call the user's code was inside", () => {
    const request = run.events.find((event) => event.type === "request" && event["route"] === "/cases/json");
    const report = run.reports.find((r) => r.request?.id === request?.["id"] && r.ended)!;
    const index = report.frames.findIndex((f) => f.fn === "serializeHuge");
    assert.equal(report.frames[index - 1]?.fn, "stringify", topFrames(report));
    assert.equal(report.frames[index - 1]?.file, "");
  });
});
