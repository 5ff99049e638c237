import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import type { RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { app, log, EVENTS_CHANNEL } from "./fixtures/failure-app.js";
import { listenToThreads, type ThreadEvents } from "./events.js";

/** Opens a connection, sends a GET, and returns the socket (to be destroyed: the client leaves). */
function openRequest(port: number, path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`);
      resolve(socket);
    });
    socket.on("error", reject);
  });
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`never happened: ${what}`);
}

describe("thread lane: failure modes", () => {
  let client: TestClient;
  let server: RunningServer;
  let events: ThreadEvents;
  before(async () => {
    events = listenToThreads(EVENTS_CHANNEL);
    client = new TestClient(app, { lifespan: false });
    server = await app.serve({ port: 0, handleSignals: false });
  });
  after(async () => {
    events.close();
    await server.close();
  });

  const threadId = async () => (await client.get("/thread-id")).json().threadId as number;

  /**
   * Waits until both pool threads have served a call. A thread replaced by an earlier test loads
   * the runtime and the app module on its first call; a call whose timeout passes during that
   * load is (rightly) skipped as cancelled, so a test about a *running* handler warms them first.
   */
  async function warmThreads(): Promise<void> {
    await eventually(() => app.pool.stats().threads === 2 && app.pool.stats().busy === 0, "two idle threads");
    const seen = new Set<number>();
    for (let round = 0; round < 50 && seen.size < 2; round++) {
      for (const id of await Promise.all([threadId(), threadId()])) seen.add(id);
    }
    assert.equal(seen.size, 2, "both pool threads answered");
  }

  it("fails only the request whose thread crashed (uncaught error), with a 500, and replaces the thread", async () => {
    const res = await client.get("/throw-later");
    assert.equal(res.status, 500);
    assert.deepEqual(res.json(), { detail: "Internal Server Error" });
    const entry = log.lines().find((line) => String((line["err"] as { message?: string } | undefined)?.message).startsWith("GET /throw-later: the worker thread running it died"));
    assert.ok(entry, "the crash is logged, naming the route");
    assert.match(String((entry["err"] as { message: string }).message), /uncaught in a timer/);
    assert.equal((await client.get("/thread-id")).status, 200, "the pool serves the next request");
    assert.equal(app.pool.stats().size, 2);
  });

  it("fails only the request whose thread called process.exit, and replaces the thread", async () => {
    const before = new Set([await threadId(), await threadId()]);
    const res = await client.get("/exit");
    assert.equal(res.status, 500);
    assert.ok(log.lines().some((line) => /GET \/exit: the worker thread running it died \(worker exited with code: 3\)/.test(String((line["err"] as { message?: string } | undefined)?.message))));
    const after = await Promise.all([threadId(), threadId(), threadId(), threadId()]);
    assert.ok(after.some((id) => !before.has(id)), `a new thread serves requests: before ${[...before]}, after ${after}`);
    await eventually(() => app.pool.stats().threads === 2, "the pool is back to two threads");
  });

  it("answers 504 when a handler outlives its timeout, and recycles threads that do not stop", async () => {
    await warmThreads();
    const [a, b] = await Promise.all([client.get("/hang"), client.get("/hang")]);
    for (const res of [a, b]) {
      assert.equal(res.status, 504);
      assert.deepEqual(res.json(), { detail: "Timed out: the request did not finish within 300 ms" });
    }
    // Both threads were stuck in a 60 s blocking call: only recycling lets this request run.
    const next = await client.get("/thread-id");
    assert.equal(next.status, 200);
    assert.ok(log.lines().some((line) => /GET \/hang did not stop 200 ms after its timeout: its thread was terminated and replaced/.test(String((line["err"] as { message?: string } | undefined)?.message))));
  });

  it("fires the handler's AbortSignal on a timeout, so cooperative code stops by itself", async () => {
    await warmThreads();
    const res = await client.get("/cooperative");
    assert.equal(res.status, 504);
    await events.until((event) => event["event"] === "cooperative-aborted");
  });

  it("answers 503 with Retry-After when the queue is full", async () => {
    await eventually(() => app.pool.stats().busy === 0, "earlier calls have finished");
    // Two threads busy and one request queued (queueLimit 1): the fourth is refused at once.
    const responses = await Promise.all([client.get("/sleep/400"), client.get("/sleep/400"), client.get("/sleep/400"), client.get("/sleep/400")]);
    const statuses = responses.map((res) => res.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 503]);
    const refused = responses.find((res) => res.status === 503)!;
    assert.deepEqual(refused.json(), { detail: "Service Unavailable" });
    assert.equal(refused.header("retry-after"), "1");
  });

  it("applies a route's own queue limit on the shared pool", async () => {
    await eventually(() => app.pool.stats().busy === 0, "earlier calls have finished");
    const responses = await Promise.all([client.get("/limited/300"), client.get("/limited/300"), client.get("/limited/300")]);
    assert.deepEqual(responses.map((res) => res.status).sort(), [200, 200, 503]);
  });

  it("runs a route with its own pool size on a pool of its own", async () => {
    const shared = new Set(await Promise.all(Array.from({ length: 6 }, () => threadId())));
    const own = (await client.get("/bulkhead")).json().threadId as number;
    assert.notEqual(own, 0);
    assert.equal(shared.has(own), false, `bulkhead thread ${own} is not one of the app pool's ${[...shared]}`);
  });

  it("fires the handler's AbortSignal in the worker when the client disconnects", async () => {
    const socket = await openRequest(server.port, "/wait-for-abort");
    await events.until((event) => event["event"] === "waiting");
    socket.destroy();
    const aborted = await events.until((event) => event["event"] === "aborted");
    assert.notEqual(aborted["threadId"], 0);
  });

  it("never runs a queued request whose client left before a thread was free", async () => {
    const busy = [client.get("/sleep/500"), client.get("/sleep/500")];
    await eventually(() => app.pool.stats().busy === 2, "both threads busy");
    const socket = await openRequest(server.port, "/record/left-early");
    await eventually(() => app.pool.stats().queued === 1, "the request is queued");
    socket.destroy();
    await Promise.all(busy);
    assert.equal((await client.get("/record/after")).status, 200);
    await events.until((event) => event["tag"] === "after");
    assert.equal(events.events.some((event) => event["tag"] === "left-early"), false);
  });
});
