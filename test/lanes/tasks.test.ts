import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { HTTPException, ThreadLaneError, ThreadPoolBusyError, ThreadTimeoutError, defaultThreadPool } from "loopwise";
import {
  anonymousTask,
  countOnThisThread,
  describeValue,
  mainCounter,
  notFound,
  returnsFunction,
  sleepy,
  slowWithTimeout,
  tinyPool,
  typeError,
  idlePool,
  idleSleep,
} from "./fixtures/tasks.js";

describe("thread lane: tasks", () => {
  after(async () => {
    await tinyPool.close();
    await idlePool.close();
    await defaultThreadPool().close();
  });

  it("runs on a pool thread and copies arguments and results as plain data", async () => {
    const date = new Date("2024-01-02T03:04:05Z");
    const result = await describeValue.run({ date, map: new Map([["a", 1]]), bytes: new Uint8Array([1, 2]), big: 10n });
    assert.notEqual(result.threadId, 0);
    const value = result.value as { date: Date; map: Map<string, number>; bytes: Uint8Array; big: bigint };
    assert.equal(value.date.getTime(), date.getTime());
    assert.deepEqual([...value.map], [["a", 1]]);
    assert.deepEqual([...value.bytes], [1, 2]);
    assert.equal(value.big, 10n);
    assert.equal(await anonymousTask.run(2, 3), 5);
    assert.equal(anonymousTask.name, "task anonymous");
  });

  it("keeps module state per thread: the main thread's copy never changes", async () => {
    const runs = await Promise.all(Array.from({ length: 6 }, () => countOnThisThread.run()));
    assert.equal(mainCounter(), 0);
    const byThread = new Map<number, number[]>();
    for (const run of runs) byThread.set(run.threadId, [...(byThread.get(run.threadId) ?? []), run.counter]);
    // Each thread counts its own runs from 1: no thread sees another's increments.
    for (const counts of byThread.values()) assert.deepEqual(counts.sort((a, b) => a - b), Array.from(counts, (_, i) => i + 1));
    assert.equal([...byThread.values()].reduce((sum, counts) => sum + counts.length, 0), 6);
  });

  it("rethrows HTTPException with its status, detail and headers", async () => {
    const error = await notFound.run(7).catch((e: unknown) => e);
    assert.ok(error instanceof HTTPException);
    assert.equal(error.status, 404);
    assert.equal(error.detail, "No item 7");
    assert.deepEqual(error.headers, { "x-id": "7" });
  });

  it("rethrows other errors as ThreadLaneError with the original name, message and stack", async () => {
    const error = await typeError.run().catch((e: unknown) => e);
    assert.ok(error instanceof ThreadLaneError);
    assert.equal(error.originalName, "TypeError");
    assert.match(error.message, /Cannot read properties of undefined/);
    assert.match(String(error.stack), /fixtures[/\\]tasks\.ts/);
  });

  it("says which task returned a value that cannot cross threads", async () => {
    await assert.rejects(returnsFunction.run(), (error: Error) => {
      assert.match(error.message, /^task returnsFunction returned a value that cannot be sent between threads/);
      return true;
    });
  });

  it("says which task got arguments that cannot cross threads", async () => {
    await assert.rejects(describeValue.run(() => 1), (error: Error) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /^task describeValue: its input cannot be sent to a worker thread/);
      return true;
    });
    await assert.rejects(describeValue.run({ s: Symbol("x") }), /its input cannot be sent/);
  });

  it("refuses a run when its pool's queue is full: a 503 error", async () => {
    const first = sleepy.run(300);
    const second = await sleepy.run(1).catch((e: unknown) => e);
    assert.ok(second instanceof ThreadPoolBusyError);
    assert.equal(second.status, 503);
    assert.equal(second.detail, "Service Unavailable");
    assert.equal(await first, 300);
    assert.equal(await sleepy.run(1), 1, "the pool takes work again once free");
  });

  it("stops threads above minSize once they have been idle for idleTimeout", async () => {
    const ids = await Promise.all([idleSleep.run(200), idleSleep.run(200)]);
    assert.notEqual(ids[0], ids[1], "two threads ran");
    for (let i = 0; i < 100 && idlePool.stats().threads > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(idlePool.stats().threads, 0);
    assert.notEqual(await idleSleep.run(1), 0, "and start again when needed");
  });

  it("times out with a 504 error", async () => {
    const error = await slowWithTimeout.run(5000).catch((e: unknown) => e);
    assert.ok(error instanceof ThreadTimeoutError);
    assert.equal(error.status, 504);
    assert.match(error.message, /task slowWithTimeout did not finish within its 200 ms timeout/);
    assert.equal(await slowWithTimeout.run(1), 1);
  });
});
