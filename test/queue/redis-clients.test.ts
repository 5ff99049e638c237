// The two kinds of ioredis connection the queue lane makes, against a real redis-server that is
// stopped and started again: producers fail fast, everything else waits the outage out.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Redis } from "ioredis";
import { closeRedisClient, createRedisClient, reconnectDelay } from "../../src/queue/redis-clients.js";
import { parseRedisUrl } from "../../src/queue/redis-url.js";
import { startRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
const clients: Redis[] = [];

function client(role: "producer" | "waiting"): Redis {
  const made = createRedisClient({ ...parseRedisUrl(redis.url), connectTimeout: 2000 }, role, `loopwise:test-${role}`);
  clients.push(made);
  return made;
}

/** Resolves at `event` (events.once would reject at the "error" events an outage brings). */
function next(c: Redis, event: "ready" | "end" | "reconnecting" | "error"): Promise<unknown> {
  return new Promise((resolve) => c.once(event, resolve));
}

async function ready(c: Redis): Promise<void> {
  if (c.status !== "ready") await next(c, "ready");
}

before(async () => {
  redis = await startRedis();
});

after(async () => {
  await Promise.all(clients.map((c) => closeRedisClient(c)));
  await redis?.close();
});

describe("queue-lane Redis connections", () => {
  test("a producer names itself, fails its command in flight when Redis dies, and ends instead of reconnecting", async () => {
    const producer = client("producer");
    await ready(producer);
    assert.match(String(await producer.client("INFO")), new RegExp(`name=loopwise:test-producer:${process.pid}`));
    const inFlight = assert.rejects(producer.blpop("never-filled", 0), /Connection is closed/);
    const ended = next(producer, "end");
    await redis.stop();
    await inFlight;
    await ended;
    await assert.rejects(producer.get("k"), /Connection is closed/);
    await redis.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(producer.status, "end", "it did not reconnect by itself: the next enqueue opens a new connection");
  });

  test("a producer made while Redis is down fails its first attempt at once and gives up", async () => {
    await redis.stop();
    try {
      const producer = client("producer");
      const ended = next(producer, "end");
      const error = (await next(producer, "error")) as NodeJS.ErrnoException;
      assert.equal(error.code, "ECONNREFUSED");
      await ended;
      await assert.rejects(producer.get("k"), /Connection is closed/);
    } finally {
      await redis.start();
    }
  });

  test("a waiting connection holds commands while Redis is down and runs them once it is back", async () => {
    const waiting = client("waiting");
    await ready(waiting);
    await redis.stop();
    await next(waiting, "reconnecting");
    const held = waiting.set("after-restart", "yes");
    await redis.start();
    assert.equal(await held, "OK");
    assert.equal(await waiting.get("after-restart"), "yes");
  });

  test("closing ends a connection for good, connected or reconnecting", async () => {
    const connected = client("waiting");
    await ready(connected);
    await closeRedisClient(connected);
    assert.equal(connected.status, "end");
    const retrying = client("waiting");
    await ready(retrying);
    await redis.stop();
    await next(retrying, "reconnecting");
    await closeRedisClient(retrying);
    await redis.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(!["connecting", "connect", "ready"].includes(retrying.status), `reconnected after close (${retrying.status})`);
  });

  test("reconnection backs off from 50 ms to at most 2 s", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 100].map(reconnectDelay), [50, 100, 200, 400, 800, 1600, 2000, 2000, 2000]);
  });
});
