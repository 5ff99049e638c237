import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import type { RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { app, log, EVENTS_CHANNEL } from "./fixtures/basic-app.js";
import { listenToThreads, type ThreadEvents } from "./events.js";

/** The highest index the producer announced so far. */
function produced(events: ThreadEvents): number {
  let max = -1;
  for (const event of events.events) if (event["event"] === "produced") max = Math.max(max, event["i"] as number);
  return max;
}

/** Waits until the producer has announced nothing new for `quietMs`. */
async function whenProducerStalls(events: ThreadEvents, quietMs: number): Promise<number> {
  let last = produced(events);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = produced(events);
    if (now === last) return now;
    last = now;
  }
}

describe("thread lane: streams from a sync generator", () => {
  let server: RunningServer;
  before(async () => {
    server = await app.serve({ port: 0, handleSignals: false });
  });
  after(async () => {
    await server.close();
  });

  it("stops producing while the client does not read (backpressure across threads), and closes the producer when it leaves", async () => {
    const events = listenToThreads(EVENTS_CHANNEL);
    const total = 2000;
    const socket = net.connect(server.port, "127.0.0.1");
    try {
      let received = 0;
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.write(`GET /count/${total}?size=65536 HTTP/1.1\r\nHost: test\r\n\r\n`);
        socket.once("data", (chunk: Buffer) => {
          received += chunk.length;
          socket.pause();
          resolve();
        });
      });
      // Each line is ~64 KiB: all of them would be ~128 MiB; the socket's buffers hold a few MiB.
      const stalledAt = await whenProducerStalls(events, 400);
      assert.ok(stalledAt >= 0 && stalledAt < total / 2, `the producer stalled at ${stalledAt} of ${total} while the client read ${received} bytes`);
      socket.destroy();
      await events.until((event) => event["event"] === "producer-closed");
      assert.ok(produced(events) < total - 1, "the generator was closed before it finished");
    } finally {
      socket.destroy();
      events.close();
    }
  });

  it("cuts the connection when the producer throws after the headers, and logs it", async () => {
    const client = new TestClient(app, { lifespan: false });
    const res = await client.get("/stream-fails");
    assert.equal(res.status, 200);
    assert.deepEqual(res.text.trim().split("\n").map((line) => JSON.parse(line)), [{ i: 0 }]);
    const entry = log.lines().find((line) => String(line["msg"]).startsWith("Streaming the response of GET /stream-fails failed"));
    assert.ok(entry, "the failure is logged");
    assert.match(String((entry["err"] as { message: string }).message), /the producer broke/);
  });

  it("streams many small chunks in order, end to end over a socket", async () => {
    const response = await fetch(`${server.url}/count/300?size=3`);
    const lines = (await response.text()).trim().split("\n").map((line) => JSON.parse(line).i as number);
    assert.deepEqual(lines, Array.from({ length: 300 }, (_, i) => i));
  });
});
