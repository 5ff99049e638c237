import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { closeQueueConnections, configureQueue, type RunningServer } from "loopwise";
import { startRedis, type TestRedis } from "../support/redis.js";
import { startWorker, type WorkerProcess } from "../queue/worker-process.js";

describe("example queue: reports enqueued by the web app, built by a `loopwise worker`", () => {
  let redis: TestRedis;
  let worker: WorkerProcess;
  let server: RunningServer;

  before(async () => {
    redis = await startRedis();
    configureQueue({ redisUrl: redis.url });
    worker = await startWorker(["examples/queue/app.ts", "--concurrency", "2"], { REDIS_URL: redis.url });
    const { app } = await import("../../examples/queue/app.js");
    server = await app.serve({ port: 0, host: "127.0.0.1", handleSignals: false });
  });

  after(async () => {
    await server?.close();
    assert.equal(await worker?.stop(), 0, "the worker drains and exits 0 on SIGTERM");
    await closeQueueConnections();
    await redis?.close();
  });

  async function json(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
    const response = await fetch(`${server.url}${path}`, { ...init, headers: { "content-type": "application/json" } });
    return { status: response.status, body: await response.json() };
  }

  it("POST answers 202 with the job id, and GET shows the report once the worker built it", async () => {
    const posted = await json("/reports", { method: "POST", body: JSON.stringify({ year: 2024, rounds: 20_000 }) });
    assert.equal(posted.status, 202);
    assert.match(posted.body.id, /^\d+$/);
    let got = await json(`/reports/${posted.body.id}`);
    for (let i = 0; i < 300 && got.body.state !== "completed"; i++) {
      assert.ok(["waiting", "active", "completed"].includes(got.body.state), JSON.stringify(got.body));
      await new Promise((resolve) => setTimeout(resolve, 50));
      got = await json(`/reports/${posted.body.id}`);
    }
    assert.equal(got.body.state, "completed");
    const local = await json("/reports/sync", { method: "POST", body: JSON.stringify({ year: 2024, rounds: 20_000 }) });
    assert.deepEqual(got.body.report, local.body, "the worker computed what the thread lane computes here");
  });

  it("an invalid report spec is a 422 and never reaches the queue", async () => {
    const posted = await json("/reports", { method: "POST", body: JSON.stringify({ year: 2024, rounds: 0 }) });
    assert.equal(posted.status, 422);
    assert.equal(posted.body.detail[0].loc.join("."), "body.rounds");
  });

  it("an unknown report id is a 404", async () => {
    assert.equal((await json("/reports/999999")).status, 404);
  });
});
