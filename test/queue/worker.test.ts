import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { closeQueueConnections, configureQueue, JobFailedError, JobTimeoutError, queueStats, taskRunStats, TaskValidationError } from "loopwise";
import { startRedis, type TestRedis } from "../support/redis.js";
import { fixtureApp, startWorker, type WorkerProcess } from "./worker-process.js";

let redis: TestRedis;
let dir: string;
let worker: WorkerProcess;
let tasks: typeof import("../fixtures/queue/app.js");

before(async () => {
  redis = await startRedis();
  dir = mkdtempSync(path.join(tmpdir(), "loopwise-queue-"));
  process.env["QUEUE_TEST_DIR"] = dir;
  tasks = await import("../fixtures/queue/app.js");
  configureQueue({ redisUrl: redis.url });
  worker = await startWorker([fixtureApp, "--concurrency", "4"], { REDIS_URL: redis.url, QUEUE_TEST_DIR: dir });
});

after(async () => {
  await worker?.stop();
  await closeQueueConnections();
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("enqueue → a separate `loopwise worker` process → result", () => {
  test("a thread-lane task runs in the worker and its result comes back", async () => {
    const handle = await tasks.add.enqueue([20, 22]);
    assert.match(handle.id, /^\d+$/);
    assert.equal(await handle.result({ timeout: 20_000 }), 42);
    assert.equal(await handle.state(), "completed");
  });

  test("the worker logged which queues and tasks it consumes", () => {
    assert.match(worker.output(), /consuming default \(.*\badd\b.*\)/);
  });

  test("arguments that break the payload schema are refused at enqueue, before Redis", async () => {
    await assert.rejects(tasks.add.enqueue([1, "2" as unknown as number]), (error: unknown) => {
      assert.ok(error instanceof TaskValidationError);
      assert.deepEqual(error.issues[0]?.path, [1]);
      return true;
    });
  });

  test("a result that breaks the result schema fails the job with the schema's message", async () => {
    const handle = await tasks.badResult.enqueue([]);
    await assert.rejects(handle.result({ timeout: 20_000 }), (error: unknown) => {
      assert.ok(error instanceof JobFailedError);
      assert.match(error.reason, /invalid result/);
      return true;
    });
    assert.equal(await handle.state(), "failed");
  });
});

describe("retries, delays and failures", () => {
  test("a failing attempt is retried with backoff until it succeeds", async () => {
    const handle = await tasks.flaky.enqueue(["retry-ok", 2], { attempts: 3, backoff: { type: "fixed", delay: 50 } });
    assert.deepEqual(await handle.result({ timeout: 20_000 }), { attempts: 3 });
    assert.equal(await handle.attemptsMade(), 3);
  });

  test("exponential backoff waits longer before each retry", async () => {
    const handle = await tasks.flaky.enqueue(["retry-exp", 2], { attempts: 3, backoff: { type: "exponential", delay: 200 } });
    await handle.result({ timeout: 20_000 });
    const { readFileSync } = await import("node:fs");
    const times = readFileSync(path.join(dir, "flaky-retry-exp"), "utf8").trim().split("\n").map(Number);
    assert.equal(times.length, 3);
    // 200 ms then 400 ms: the second wait is the longer one.
    assert.ok(times[1]! - times[0]! >= 200, `first retry after ${times[1]! - times[0]!} ms`);
    assert.ok(times[2]! - times[1]! >= 400, `second retry after ${times[2]! - times[1]!} ms`);
  });

  test("a job that runs out of attempts fails with its last error, and is kept as failed", async () => {
    const handle = await tasks.broken.enqueue(["disk full"], { attempts: 2 });
    await assert.rejects(handle.result({ timeout: 20_000 }), (error: unknown) => {
      assert.ok(error instanceof JobFailedError);
      assert.equal(error.jobId, handle.id);
      assert.match(error.reason, /disk full/);
      return true;
    });
    assert.equal(await handle.state(), "failed");
    assert.equal(await handle.attemptsMade(), 2);
    const [stats] = await queueStats(["default"]);
    assert.ok(stats!.failed >= 1);
  });

  test("a delayed job waits in the delayed set, then runs no earlier than asked", async () => {
    const enqueuedAt = Date.now();
    const handle = await tasks.stamp.enqueue([], { delay: 1200 });
    assert.equal(await handle.state(), "delayed");
    const ranAt = (await handle.result({ timeout: 20_000 })) as number;
    assert.ok(ranAt - enqueuedAt >= 1200, `ran ${ranAt - enqueuedAt} ms after enqueue`);
  });

  test("enqueueing the same jobId twice gives the same job, run once", async () => {
    const first = await tasks.flaky.enqueue(["idempotent", 0], { jobId: "order-42" });
    const second = await tasks.flaky.enqueue(["idempotent", 0], { jobId: "order-42" });
    assert.equal(first.id, "order-42");
    assert.equal(second.id, "order-42");
    assert.deepEqual(await second.result({ timeout: 20_000 }), { attempts: 1 });
  });

  test("a loop-lane task reports progress that the handle reads while it runs", async () => {
    const handle = await tasks.halfway.enqueue([1500]);
    let progress = await handle.progress();
    for (let i = 0; i < 200 && JSON.stringify(progress) !== '{"percent":50}'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      progress = await handle.progress();
    }
    assert.deepEqual(progress, { percent: 50 });
    assert.equal(await handle.state(), "active");
    assert.equal(await handle.result({ timeout: 20_000 }), "whole");
  });

  test("result() gives up after its timeout while the job goes on", async () => {
    const handle = await tasks.slow.enqueue(["timeout", 1500]);
    await assert.rejects(handle.result({ timeout: 200 }), JobTimeoutError);
    assert.deepEqual(Object.keys((await handle.result({ timeout: 20_000 })) as object), ["pid"]);
  });
});

describe("hostile enqueue input", () => {
  const bad: [string, object][] = [
    ["negative delay", { delay: -1 }],
    ["fractional delay", { delay: 1.5 }],
    ["zero attempts", { attempts: 0 }],
    ["string attempts", { attempts: "3" }],
    ["priority 0", { priority: 0 }],
    ["backoff of an unknown type", { backoff: { type: "random", delay: 10 } }],
    ["all-digit jobId (BullMQ's own ids)", { jobId: "12" }],
    ["jobId with a colon", { jobId: "a:b" }],
    ["empty jobId", { jobId: "" }],
    ["an unknown option", { removeOnComplete: true }],
  ];
  for (const [name, options] of bad) {
    test(`refuses ${name}`, async () => {
      await assert.rejects(tasks.stamp.enqueue([], options as never), /enqueue\(\)/);
    });
  }

  test("refuses arguments JSON cannot carry, naming where", async () => {
    await assert.rejects(tasks.flaky.enqueue(["x", 10n as unknown as number]), /args\[1\] is a bigint/);
    await assert.rejects(tasks.flaky.enqueue([new Map() as unknown as string, 1]), /args\[0\] is a Map/);
    const loop: Record<string, unknown> = {};
    loop["self"] = loop;
    await assert.rejects(tasks.flaky.enqueue([loop as unknown as string, 1]), /refers back to itself/);
  });

  test("refuses args that are not an array", async () => {
    await assert.rejects(tasks.stamp.enqueue("nope" as never), /must be the array/);
  });
});

describe("watchdog and metrics in the worker", () => {
  test("a job that blocks the worker's event loop is reported with its task name", async () => {
    const handle = await tasks.blockLoop.enqueue([700]);
    assert.equal(await handle.result({ timeout: 20_000 }), "done");
    await worker.waitFor(/task:blockLoop/, 20_000);
  });

  test("queue depth and states are readable per queue", async () => {
    const [stats] = await queueStats(["default"]);
    assert.equal(stats!.queue, "default");
    assert.ok(stats!.completed >= 5, `completed: ${stats!.completed}`);
    for (const key of ["waiting", "active", "delayed", "prioritized"] as const) assert.equal(typeof stats![key], "number");
  });

  test("per-task latency is measured by consumers, not by producers", async () => {
    // This process only enqueues: it ran no job, so it measured none.
    assert.deepEqual(await taskRunStats(), []);
  });
});
