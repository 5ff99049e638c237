import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { TestClient } from "loopwise/testing";
import type { DigestResult } from "../../examples/s4-cpu/app.js";

// Fewer rounds than the demo's: the module and its pool threads read this when they load it.
process.env["S4_ROUNDS"] = "20000";
const { app, digestChain, hashChain } = await import("../../examples/s4-cpu/app.js");

// SCENARIOS S4: a CPU-bound function in a task runs on pool threads, in parallel. How much
// faster that is belongs to a benchmark (examples/s4-cpu/demo.ts); this test checks the result
// and that the two runs really overlapped on two threads.
const ROUNDS = 20_000;

function overlap(a: DigestResult, b: DigestResult): boolean {
  return a.startedAt < b.endedAt && b.startedAt < a.endedAt;
}

describe("S4: CPU-bound work in a task", () => {
  let client: TestClient;
  before(async () => {
    client = new TestClient(app);
    await app.startup();
  });
  after(async () => {
    await client.close();
  });

  it("computes the same digest as the main thread would", async () => {
    const data = new TextEncoder().encode("pixels");
    const onThread = await hashChain.run(data, 1000);
    assert.equal(onThread.hex, digestChain(data, 1000).hex);
    assert.notEqual(onThread.threadId, 0);
  });

  it("runs two concurrent runs on two threads at the same time", async () => {
    const data = new TextEncoder().encode("pixels");
    const [a, b] = await Promise.all([hashChain.run(data, ROUNDS), hashChain.run(data, ROUNDS)]);
    assert.equal(a.hex, b.hex);
    assert.notEqual(a.threadId, b.threadId);
    assert.ok(overlap(a, b), `the runs overlapped: ${JSON.stringify([a, b])}`);
  });

  it("serves the route, with the thread lane and inline variants agreeing", async () => {
    const body = new TextEncoder().encode("upload");
    const [viaTask, onThreadLane, inline] = await Promise.all([
      client.post("/digest", { body }),
      client.post("/digest-thread", { body }),
      client.post("/digest-inline", { body }),
    ]);
    for (const res of [viaTask, onThreadLane, inline]) assert.equal(res.status, 200);
    assert.equal(viaTask.json().hex, inline.json().hex);
    assert.equal(onThreadLane.json().hex, inline.json().hex);
    assert.notEqual(viaTask.json().threadId, 0);
    assert.notEqual(onThreadLane.json().threadId, 0);
    assert.equal(inline.json().threadId, 0);
  });
});
