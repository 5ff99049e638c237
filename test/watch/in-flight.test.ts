import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { InFlightTable } from "../../src/watch/in-flight.js";
import { readInFlight } from "../../src/watch/in-flight-layout.js";
import type { RequestContext } from "../../src/watch/request-context.js";
import { MAIN_LANE, laneBase, monotonicMs, readRequestId, writeRequestId } from "../../src/watch/shared-layout.js";

function context(id: number, method: string, url: string, ageMs = 0): RequestContext {
  return { id, method, url, route: "", startedAt: performance.now() - ageMs };
}

describe("in-flight table: what the watchdog thread can list while the loop is stuck", () => {
  it("lists requests oldest first with their age and the call each waits for", () => {
    const table = new InFlightTable(8);
    const first = table.enter(context(1, "GET", "/report?year=2024", 500));
    const second = table.enter(context(2 ** 40 + 3, "POST", "/items", 100));
    table.setOutbound(second, { method: "GET", url: "http://api/search?q=1", startMs: 40 }, performance.now() - 100);
    const listed = readInFlight(table.buffer, monotonicMs());
    assert.deepEqual(
      listed.map(({ id, request }) => ({ id, request })),
      [
        { id: 1, request: "GET /report?year=2024" },
        { id: 2 ** 40 + 3, request: "POST /items" },
      ],
    );
    assert.ok(listed[0]!.ageMs >= 500 && listed[1]!.ageMs >= 100 && listed[1]!.ageMs < listed[0]!.ageMs);
    assert.equal(listed[1]!.outbound?.call, "GET http://api/search?q=1");
    assert.ok(listed[1]!.outbound!.waitingMs >= 60);
    table.setOutbound(second, undefined, 0);
    assert.equal(readInFlight(table.buffer, monotonicMs())[1]!.outbound, undefined);
    table.leave(first);
    assert.deepEqual(readInFlight(table.buffer, monotonicMs()).map((entry) => entry.id), [2 ** 40 + 3]);
    assert.deepEqual([...table.contexts()].map((ctx) => ctx.id), [2 ** 40 + 3]);
  });

  it("writes hostile text as plain bytes: no control characters, cut to fit", () => {
    const table = new InFlightTable(2);
    table.enter(context(7, "GET", `/a\u001b[31mred\nnew\u2028line/${"é".repeat(20)}🙂${"x".repeat(300)}`));
    const [entry] = readInFlight(table.buffer, monotonicMs());
    // The method is stored as a number: the URL alone fills the 96 bytes.
    assert.equal(entry!.request.length, "GET ".length + 96);
    assert.doesNotMatch(entry!.request, /[\u0000-\u001f\u007f-\u009f]/);
    assert.ok(entry!.request.startsWith("GET /a?[31mred?new?line/éé"), entry!.request);
  });

  it("lists every method: the common ones stored as numbers, any other one as text", () => {
    const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "get", "M\u001bX", ""];
    const table = new InFlightTable(methods.length);
    methods.forEach((method, index) => table.enter(context(index + 1, method, `/m${index}`, 1000 - index)));
    assert.deepEqual(
      readInFlight(table.buffer, monotonicMs()).map((entry) => entry.request),
      ["GET /m0", "POST /m1", "PUT /m2", "PATCH /m3", "DELETE /m4", "HEAD /m5", "OPTIONS /m6", "PROPFIND /m7", "get /m8", "M?X /m9", " /m10"],
    );
  });

  it("counts requests beyond its size without listing them, and reuses freed slots", () => {
    const table = new InFlightTable(2);
    const a = table.enter(context(1, "GET", "/a"));
    table.enter(context(2, "GET", "/b"));
    assert.equal(table.enter(context(3, "GET", "/c")), -1);
    assert.equal(table.overflow, 1);
    table.leave(-1);
    table.leave(a);
    assert.equal(table.enter(context(4, "GET", "/d")), a);
    assert.deepEqual(readInFlight(table.buffer, monotonicMs()).map((entry) => entry.id).sort(), [2, 4]);
  });

  it("lists a request whose id has a zero low word, and nothing for a slot it left", () => {
    const table = new InFlightTable(2);
    const slot = table.enter(context(2 ** 32, "GET", "/big-id"));
    assert.deepEqual(readInFlight(table.buffer, monotonicMs()).map((entry) => [entry.id, entry.request]), [[2 ** 32, "GET /big-id"]]);
    table.leave(slot);
    assert.deepEqual(readInFlight(table.buffer, monotonicMs()), []);
  });

  it("can be read from another thread", async () => {
    const table = new InFlightTable(4);
    table.enter(context(42, "DELETE", "/items/9", 50));
    const source = `
      const { parentPort, workerData } = require("node:worker_threads");
      const view = new Int32Array(workerData);
      const epoch = new Float64Array(workerData, 0, 1)[0];
      parentPort.postMessage({ slots: Atomics.load(view, 2), epochIsNumber: Number.isFinite(epoch) });
    `;
    const worker = new Worker(source, { eval: true, workerData: table.buffer });
    const seen = await new Promise((resolve, reject) => worker.once("message", resolve).once("error", reject));
    await worker.terminate();
    assert.deepEqual(seen, { slots: 4, epochIsNumber: true });
  });
});

describe("the last-handler slot's request id", () => {
  it("round-trips ids past 32 bits, including one whose low word is 0", () => {
    const view = new Int32Array(new SharedArrayBuffer(4096));
    const base = laneBase(MAIN_LANE);
    for (const id of [1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      writeRequestId(view, base, id);
      assert.equal(readRequestId(view, base), id);
    }
  });
});
