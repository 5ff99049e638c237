// SCENARIOS S5: message consumers inside the web app. On the thread lane a handler's CPU-bound
// work runs beside HTTP requests; on the loop lane it holds them up (shown for contrast).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { closeQueueConnections, configureQueue, publish, type RunningServer } from "loopwise";
import { startRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
let server: RunningServer;

before(async () => {
  redis = await startRedis();
  configureQueue({ redisUrl: redis.url });
  const { app } = await import("../fixtures/queue/consumer-app.js");
  server = await app.serve({ port: 0, host: "127.0.0.1", handleSignals: false });
});

after(async () => {
  await server?.close();
  await closeQueueConnections();
  await redis?.close();
});

/** Pings /ping back to back until `done` settles; returns when each answer arrived. */
async function pingUntil(done: Promise<unknown>): Promise<number[]> {
  const arrivals: number[] = [];
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    const response = await fetch(`${server.url}/ping`);
    await response.json();
    arrivals.push(Date.now());
  }
  return arrivals;
}

describe("app.consume", () => {
  test("a blocking handler on the thread lane runs while HTTP requests keep being answered", async () => {
    const handle = await publish<{ start: number; end: number }>("s5-thread", { ms: 800 });
    const result = handle.result({ timeout: 30_000 });
    const arrivals = await pingUntil(result);
    const { start, end } = await result;
    const during = arrivals.filter((t) => t > start && t < end);
    assert.ok(during.length > 0, `no request was answered while the handler ran (${start}..${end}); answers at ${arrivals.join(", ")}`);
  });

  test("the same handler on the loop lane holds every request up until it returns (why the thread lane exists)", async () => {
    const handle = await publish<{ start: number; end: number }>("s5-loop", { ms: 500 });
    const result = handle.result({ timeout: 30_000 });
    const arrivals = await pingUntil(result);
    const { start, end } = await result;
    assert.deepEqual(arrivals.filter((t) => t > start && t < end), []);
  });

  test("a handler gets the message and its id, queue and attempt, in a request context named after it", async () => {
    const handle = await publish("s5-echo", { hello: "world", n: [1, 2] });
    assert.deepEqual(await handle.result({ timeout: 30_000 }), {
      message: { hello: "world", n: [1, 2] },
      info: { id: handle.id, queue: "s5-echo", attempt: 1 },
      route: "task:echo",
    });
  });

  test("publish refuses a queue name BullMQ cannot use", async () => {
    await assert.rejects(publish("", {}), /queue name/);
    await assert.rejects(publish("a:b", {}), /queue name/);
  });
});
