import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BlockReport } from "../../src/watch/block-report.js";
import { clean, formatBlockReport } from "../../src/watch/format.js";

const cwd = "/srv/app";

function report(overrides: Partial<BlockReport> = {}): BlockReport {
  return {
    blockId: 1,
    durationMs: 1012,
    capturedDuring: true,
    captureLagMs: 1,
    detectedAfterMs: 104,
    ended: true,
    class: { onCpu: 0.99, offCpu: 0, runqueue: 0.01 },
    request: { id: 17, method: "GET", url: "/report?year=2024", route: "/report" },
    attribution: "context",
    outsideRequest: false,
    frames: [
      { fn: "buildReport", file: "/srv/app/src/report.ts", line: 17, col: 5 },
      { fn: "handler", file: "/srv/app/src/routes.ts", line: 8, col: 3 },
    ],
    fingerprint: "abc",
    suppressedBefore: 0,
    thread: "main",
    at: new Date(0),
    ...overrides,
  };
}

describe("formatBlockReport", () => {
  it("gives the one-line summary of a block in a request", () => {
    assert.equal(
      formatBlockReport(report(), { cwd }),
      "BLOCKED 1.0 s in GET /report (req 17) at buildReport (src/report.ts:17), 99% on-CPU",
    );
  });

  it("names the runtime call the app's code was inside", () => {
    const line = formatBlockReport(
      report({
        frames: [
          { fn: "stringify", file: "", line: 0, col: 0 },
          { fn: "serialize", file: "/srv/app/src/io.ts", line: 4, col: 10 },
        ],
        class: { onCpu: 0.7, offCpu: 0, runqueue: 0.3 },
      }),
      { cwd },
    );
    assert.equal(
      line,
      "BLOCKED 1.0 s in GET /report (req 17) at serialize (src/io.ts:4) in stringify, 70% on-CPU, 30% waiting for a CPU (machine busy, not this code)",
    );
  });

  it("says when a block was outside any request, and what kind of callback it was", () => {
    const line = formatBlockReport(
      report({ durationMs: 312, outsideRequest: true, origin: "timer", request: undefined, frames: [{ fn: "tick", file: "/srv/app/src/jobs.ts", line: 5, col: 1 }] }),
      { cwd },
    );
    assert.equal(line, "BLOCKED 0.3 s outside any request (timer) at tick (src/jobs.ts:5), 99% on-CPU");
  });

  it("marks slot attribution, stacks taken at return, blocks still going on", () => {
    const early = formatBlockReport(
      report({
        ended: false,
        durationMs: 2004,
        attribution: "slot",
        request: { id: 3, method: "POST", route: "/upload" },
        frames: [],
        capturedDuring: false,
        class: { onCpu: 0, offCpu: 1, runqueue: 0 },
      }),
      { cwd },
    );
    assert.equal(
      early,
      "BLOCKED 2.0 s so far, still blocked, in POST /upload (req 3), the last request to enter a handler, no stack yet, 100% off-CPU (sleeping in a syscall or wait)",
    );
    const late = formatBlockReport(report({ capturedDuring: false, class: null }), { cwd });
    assert.equal(late, "BLOCKED 1.0 s in GET /report (req 17) at buildReport (src/report.ts:17) (stack taken when the native call returned)");
  });

  it("describes stuck thread-lane workers", () => {
    const line = formatBlockReport(
      report({
        thread: { workerId: 3, route: "POST /reports" },
        attribution: "lane",
        ended: false,
        durationMs: 12_000,
        request: { id: 44, method: "POST", route: "/reports" },
        frames: [],
        capturedDuring: false,
        class: { onCpu: 1, offCpu: 0, runqueue: 0 },
      }),
      { cwd },
    );
    assert.equal(line, "thread worker 3 stuck 12.0 s in POST /reports (req 44), still running, 100% on-CPU");
  });

  it("flags positions in transpiled code and keeps paths outside cwd absolute", () => {
    const line = formatBlockReport(
      report({ frames: [{ fn: "f", file: "/elsewhere/lib.ts", line: 2, col: 543, unmapped: true }], suppressedBefore: 4 }),
      { cwd },
    );
    assert.equal(line, "BLOCKED 1.0 s in GET /report (req 17) at f (/elsewhere/lib.ts:2:543 in transpiled code), 99% on-CPU (+4 like it not reported)");
  });

  it("cannot be made to print extra lines or terminal escapes by a hostile request", () => {
    const line = formatBlockReport(
      report({
        request: { id: 1, method: "GET\r\n", url: "/x", route: "" },
        frames: [{ fn: "evil\nfn", file: "/srv/app/a\u001b[2Jb.ts", line: 1, col: 1 }],
      }),
      { cwd },
    );
    assert.doesNotMatch(line, /[\n\r\u001b]/);
    assert.match(line, /GET\\x0d\\x0a \/x/);
    const long = formatBlockReport(report({ request: { id: 1, method: "GET", url: `/${"a".repeat(10_000)}\u2028`, route: "" } }), { cwd });
    assert.ok(long.length < 400, `line of ${long.length} chars`);
    assert.doesNotMatch(long, /\u2028/);
  });

  it("names the request that left behind a timer that blocked after its response", () => {
    assert.equal(
      formatBlockReport(report({ outsideRequest: true, origin: "timer", request: { id: 9, method: "POST", url: "/arm", route: "/arm" } }), { cwd }),
      "BLOCKED 1.0 s outside any request (timer left behind by POST /arm (req 9), already answered) at buildReport (src/report.ts:17), 99% on-CPU",
    );
  });

  it("lists what was in flight under the early report of a block still going on, on lines of their own", () => {
    const inFlight = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, request: `GET /fast/${i}`, ageMs: 2000 - i }));
    inFlight[0] = { id: 1, request: "GET /report\u001b[2J", ageMs: 2500, outbound: { call: "GET http://api/slow", waitingMs: 1200 } } as never;
    const text = formatBlockReport(report({ ended: false, durationMs: 2600, inFlight, frames: [] }), { cwd });
    const lines = text.split("\n");
    assert.equal(lines[0], "BLOCKED 2.6 s so far, still blocked, in GET /report (req 17), no stack yet, 99% on-CPU");
    assert.equal(lines[1], "  in flight: req 1 GET /report\\x1b[2J, 2.5 s, waiting 1.2 s for GET http://api/slow");
    assert.equal(lines[2], "  in flight: req 2 GET /fast/1, 2.0 s");
    assert.equal(lines.length, 12);
    assert.equal(lines[11], "  in flight: 2 more");
    // The final report stays one line.
    assert.doesNotMatch(formatBlockReport(report({ inFlight }), { cwd }), /\n/);
  });

  it("clean() escapes controls and shortens", () => {
    assert.equal(clean("a\u0000b\u007fc", 10), "a\\x00b\\x7fc");
    assert.equal(clean("abcdef", 3), "abc…");
  });
});
