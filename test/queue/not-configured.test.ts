// Without Redis: .enqueue() says how to configure it; .run() keeps working on the thread lane.
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { after, before, test } from "node:test";
import { App, closeQueueConnections, configureQueue, defaultThreadPool, QueueNotConfiguredError, QueueUnavailableError } from "loopwise";

delete process.env["REDIS_URL"];
let tasks: typeof import("../fixtures/queue/app.js");

before(async () => {
  tasks = await import("../fixtures/queue/app.js");
});

after(async () => {
  await closeQueueConnections();
  await defaultThreadPool().close();
});

test(".enqueue() without Redis fails with an error that says how to configure it", async () => {
  await assert.rejects(tasks.add.enqueue([1, 2]), (error: unknown) => {
    assert.ok(error instanceof QueueNotConfiguredError);
    assert.match(error.message, /task add cannot be enqueued/);
    assert.match(error.message, /REDIS_URL=redis:\/\//);
    assert.match(error.message, /queue: \{ redisUrl/);
    return true;
  });
});

test(".run() still runs the task on the thread lane", async () => {
  assert.equal(await tasks.add.run(2, 3), 5);
});

test("an app that consumes a queue refuses to start without Redis, saying why", async () => {
  const { app } = await import("../fixtures/queue/consumer-app.js");
  await assert.rejects(app.startup(), QueueNotConfiguredError);
  await app.shutdown();
});

test("a malformed Redis URL is refused when configured, without echoing a password", () => {
  assert.throws(() => configureQueue({ redisUrl: "http://user:hunter2@host:6379" }), (error: unknown) => {
    assert.match(String(error), /must start with redis:\/\/ or rediss:\/\//);
    assert.doesNotMatch(String(error), /hunter2/);
    return true;
  });
  assert.throws(() => new App({ queue: { redisUrl: "not a url" } }), /not a valid URL/);
  assert.throws(() => configureQueue({ redisUrl: "redis://host:6379/abc" }), /database number/);
});

test("Redis configured but not running: .enqueue() fails fast with QueueUnavailableError", async () => {
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  configureQueue({ redisUrl: "redis://127.0.0.1:1" });
  await assert.rejects(tasks.add.enqueue([1, 2]), (error: unknown) => {
    assert.ok(error instanceof QueueUnavailableError);
    assert.match(error.message, /task add was not enqueued: Redis at 127\.0\.0\.1:1 is not reachable/);
    return true;
  });
});

test("Redis URL pointing at a server that accepts but never answers: .enqueue() fails after connectTimeout", async () => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("data", () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const { port } = silent.address() as { port: number };
  try {
    configureQueue({ redisUrl: `redis://127.0.0.1:${port}`, connectTimeout: 300 });
    await assert.rejects(tasks.add.enqueue([1, 2]), (error: unknown) => {
      assert.ok(error instanceof QueueUnavailableError);
      assert.match(error.message, new RegExp(`Redis at 127\\.0\\.0\\.1:${port} is not reachable \\(no answer within 300 ms\\)`));
      return true;
    });
    assert.ok(sockets.size > 0, "it did connect: the failure is the silence, not a refusal");
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});
