import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { prettyLogLine } from "../../src/cli/pretty-log.js";

const TIME = new Date(2030, 0, 2, 3, 4, 5, 67).getTime();

describe("prettyLogLine (dev's readable logs)", () => {
  it("turns a pino line into time, level and message, with the fields the message does not say", () => {
    const line = JSON.stringify({ level: 30, time: TIME, pid: 1, hostname: "h", msg: "← GET /slow 200 4003.2 ms", reqId: 17, method: "GET", url: "/slow", status: 200, event: "end" });
    assert.equal(prettyLogLine(line, false), "03:04:05.067 INFO  ← GET /slow 200 4003.2 ms reqId=17 event=end");
  });

  it("labels every pino level, and colours only when asked", () => {
    const labels = { 10: "TRACE", 20: "DEBUG", 30: "INFO ", 40: "WARN ", 50: "ERROR", 60: "FATAL" };
    for (const [level, label] of Object.entries(labels)) {
      assert.equal(prettyLogLine(JSON.stringify({ level: Number(level), time: TIME, msg: "m" }), false), `03:04:05.067 ${label} m`);
    }
    assert.equal(prettyLogLine(JSON.stringify({ level: 35, time: TIME, msg: "custom" }), false), "03:04:05.067 L35   custom");
    assert.match(prettyLogLine(JSON.stringify({ level: 50, time: TIME, msg: "bad" }), true), /\x1b\[31mERROR\x1b\[0m bad/);
  });

  it("prints an error's stack below the line", () => {
    const line = JSON.stringify({ level: 50, time: TIME, msg: "Unhandled error in GET /", err: { type: "Error", message: "boom", stack: "Error: boom\n    at handler (src/app.ts:3:9)" } });
    assert.equal(prettyLogLine(line, false), "03:04:05.067 ERROR Unhandled error in GET /\n    Error: boom\n        at handler (src/app.ts:3:9)");
  });

  it("leaves anything that is not a pino line as it is", () => {
    for (const line of ["plain text", "", "{not json", "[1,2]", "null", '{"msg":"no level"}', '{"level":"30","msg":"string level"}', "SHUTDOWN-HOOK-RAN 12", "{}"]) {
      assert.equal(prettyLogLine(line, false), line);
    }
  });

  it("survives hostile lines: huge extras are cut, odd values printed, bad times shown as dashes", () => {
    const big = prettyLogLine(JSON.stringify({ level: 30, time: TIME, msg: "x", blob: "y".repeat(10_000) }), false);
    assert.ok(big.length < 300, `length ${big.length}`);
    assert.ok(big.endsWith("…"));
    assert.equal(prettyLogLine(JSON.stringify({ level: 30, time: "yesterday", msg: "t" }), false), "--:--:--.--- INFO  t");
    assert.equal(prettyLogLine(JSON.stringify({ level: 30, time: TIME, msg: 42, nested: { a: [1] } }), false), '03:04:05.067 INFO  42 nested={"a":[1]}');
    // Escape sequences in a message (user input logged by the app) are shown, not executed.
    const escaped = prettyLogLine(JSON.stringify({ level: 30, time: TIME, msg: "\x1b[2Jcleared\r", who: "\x07" }), false);
    assert.equal(escaped, "03:04:05.067 INFO  \\u001b[2Jcleared\\u000d who=\\u0007");
    assert.equal(prettyLogLine(JSON.stringify({ level: 30, time: TIME, msg: "proto", __proto__: { polluted: true } }), false), "03:04:05.067 INFO  proto");
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });
});
