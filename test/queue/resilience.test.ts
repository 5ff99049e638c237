// Several `loopwise worker` processes on one real Redis: sharing the load, a worker killed with
// SIGKILL mid-job, a graceful drain on SIGTERM, and Redis itself killed and restarted.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, afterEach, before, test } from "node:test";
import { closeQueueConnections, configureQueue, QueueUnavailableError } from "loopwise";
import { startRedis, type TestRedis } from "../support/redis.js";
import { fixtureApp, startWorker, type WorkerProcess } from "./worker-process.js";

let redis: TestRedis;
let dir: string;
let tasks: typeof import("../fixtures/queue/app.js");
const workers: WorkerProcess[] = [];

/** Short locks so a dead worker's job is taken over within seconds, not BullMQ's default 30 s. */
function workerEnv(): Record<string, string> {
  return { REDIS_URL: redis.url, QUEUE_TEST_DIR: dir, QUEUE_LOCK_MS: "1500", QUEUE_STALLED_MS: "500" };
}

async function worker(concurrency = 1): Promise<WorkerProcess> {
  const started = await startWorker([fixtureApp, "--concurrency", String(concurrency)], workerEnv());
  workers.push(started);
  return started;
}

async function untilFileExists(file: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return readFileSync(file, "utf8");
}

before(async () => {
  redis = await startRedis({ persistent: true });
  dir = mkdtempSync(path.join(tmpdir(), "loopwise-queue-"));
  process.env["QUEUE_TEST_DIR"] = dir;
  tasks = await import("../fixtures/queue/app.js");
  configureQueue({ redisUrl: redis.url });
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

after(async () => {
  await closeQueueConnections();
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("two workers share the load", async () => {
  const [a, b] = await Promise.all([worker(1), worker(1)]);
  const handles = await Promise.all(Array.from({ length: 10 }, () => tasks.whoRuns.enqueue([100])));
  const pids = await Promise.all(handles.map((h) => h.result({ timeout: 30_000 })));
  const ranBy = new Set(pids);
  assert.deepEqual([...ranBy].sort(), [a!.pid, b!.pid].sort(), "both workers ran jobs");
});

test("a worker killed with SIGKILL mid-job: its job is retried by another worker", async () => {
  const first = await worker(1);
  const handle = await tasks.slow.enqueue(["killed", 4000]);
  assert.equal(await untilFileExists(path.join(dir, "started-killed")), String(first.pid));
  await first.kill();
  assert.equal(existsSync(path.join(dir, "finished-killed")), false, "the killed worker did not finish it");
  const second = await worker(1);
  const result = (await handle.result({ timeout: 30_000 })) as { pid: number };
  assert.equal(result.pid, second.pid);
  assert.equal(readFileSync(path.join(dir, "finished-killed"), "utf8").trim(), String(second.pid));
  await second.waitFor(/Job \d+ stalled/, 10_000);
});

test("SIGTERM drains: the running job finishes, then the worker exits 0 with its per-task figures", async () => {
  const draining = await worker(1);
  const handle = await tasks.slow.enqueue(["drain", 1500]);
  await untilFileExists(path.join(dir, "started-drain"));
  const code = await draining.stop(30_000);
  assert.equal(code, 0);
  assert.deepEqual(await handle.result({ timeout: 10_000 }), { pid: draining.pid });
  assert.equal(await handle.state(), "completed");
  assert.match(draining.output(), /Received SIGTERM: no new jobs/);
  assert.match(draining.output(), /task slow: 1 completed, 0 failed, mean \d+\.\d ms/);
});

test("Redis killed and restarted: enqueue fails fast meanwhile, workers reconnect, no job is lost", async () => {
  const consumer = await worker(2);
  assert.equal(await (await tasks.add.enqueue([1, 1])).result({ timeout: 20_000 }), 2);
  // A job running when Redis dies, and one waiting for its delay.
  const running = await tasks.slow.enqueue(["outage", 1500]);
  const delayed = await tasks.stamp.enqueue([], { delay: 2500 });
  await untilFileExists(path.join(dir, "started-outage"));
  await redis.stop();

  const refused = tasks.add.enqueue([2, 2]);
  const hang = new Promise((_, reject) => setTimeout(() => reject(new Error("enqueue hung while Redis was down")), 15_000).unref());
  await assert.rejects(Promise.race([refused, hang]), (error: unknown) => {
    assert.ok(error instanceof QueueUnavailableError, String(error));
    assert.match(error.message, /not reachable/);
    assert.match(error.message, /REDIS_URL/);
    return true;
  });

  await consumer.waitFor(/Redis is not reachable/, 20_000);
  await redis.start();
  assert.deepEqual(Object.keys((await running.result({ timeout: 30_000 })) as object), ["pid"]);
  assert.equal(typeof (await delayed.result({ timeout: 30_000 })), "number");
  assert.equal(await (await tasks.add.enqueue([3, 4])).result({ timeout: 20_000 }), 7);
});

test("a worker started while Redis is down waits for it, then consumes", async () => {
  await redis.stop();
  const patient = await startWorker([fixtureApp], workerEnv(), { ready: false });
  workers.push(patient);
  await patient.waitFor(/Redis is not reachable/, 20_000);
  assert.equal(patient.child.exitCode, null, "it did not give up and exit");
  await redis.start();
  await patient.waitFor(/loopwise worker ready/, 30_000);
  assert.equal(await (await tasks.add.enqueue([40, 2])).result({ timeout: 20_000 }), 42);
});

test("priorities: among waiting jobs, a lower priority number runs first", async () => {
  const single = await worker(1);
  const blocker = await tasks.slow.enqueue(["priority-blocker", 1000]);
  await untilFileExists(path.join(dir, "started-priority-blocker"));
  const queued = await Promise.all([
    tasks.record.enqueue(["prio", "p3"], { priority: 3 }),
    tasks.record.enqueue(["prio", "p1"], { priority: 1 }),
    tasks.record.enqueue(["prio", "p2"], { priority: 2 }),
  ]);
  await blocker.result({ timeout: 20_000 });
  await Promise.all(queued.map((h) => h.result({ timeout: 20_000 })));
  assert.deepEqual(readFileSync(path.join(dir, "order-prio"), "utf8").trim().split("\n"), ["p1", "p2", "p3"]);
  assert.equal(single.child.exitCode, null);
});
