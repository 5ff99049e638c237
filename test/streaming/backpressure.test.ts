import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { App, StreamingResponse, type RunningServer } from "loopwise";
import { rawConnection, serve, waitFor, waitUntilSteady } from "./helpers.js";

const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;

// Over a real socket: a client that stops reading must stop the producer (the server may only hold
// what the socket buffers hold), and a client that leaves must stop it for good.
describe("streaming backpressure and disconnects", () => {
  const app = new App({ logger: false });
  let produced = 0;
  let stoppedEndless = false;
  app.get("/endless", () =>
    new StreamingResponse(
      (async function* () {
        const chunk = Buffer.alloc(CHUNK, 120);
        try {
          for (;;) {
            produced += CHUNK;
            yield chunk;
          }
        } finally {
          stoppedEndless = true;
        }
      })(),
    ),
  );
  let ticks = 0;
  let stoppedSlow = false;
  let aborted = false;
  app.get("/ticks", async function* ({ signal }) {
    signal.addEventListener("abort", () => (aborted = true));
    try {
      for (;;) {
        yield { tick: ++ticks };
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      stoppedSlow = true;
    }
  });
  let server: RunningServer;
  before(async () => {
    server = await serve(app);
  });
  after(() => server.close());

  it("a client that does not read pauses the producer after a bounded amount, and resumes it", async () => {
    const conn = rawConnection(server.port, "GET /endless HTTP/1.1\r\nHost: x\r\n\r\n");
    conn.socket.pause();
    const stalledAt = await waitUntilSteady(() => produced);
    assert.ok(stalledAt > 0, "it started");
    // An unpaced producer would have gone on to gigabytes; what is produced is bounded by socket buffers.
    assert.ok(stalledAt < 64 * MiB, `produced ${(stalledAt / MiB).toFixed(1)} MiB while the client read nothing`);
    let read = 0;
    conn.socket.on("data", (d: Buffer) => (read += d.length));
    conn.socket.resume();
    await waitFor(() => produced > stalledAt + 8 * MiB, "the producer to resume once the client reads");
    conn.socket.destroy();
    await waitFor(() => stoppedEndless, "the producer's finally to run after the client left");
    assert.ok(read > 0);
  });

  it("a client leaving mid-stream stops a slow producer and aborts the request signal", async () => {
    const conn = rawConnection(server.port, "GET /ticks HTTP/1.1\r\nHost: x\r\n\r\n");
    await waitFor(() => conn.received().toString().includes('{"tick":3}'), "three ticks");
    conn.socket.destroy();
    await waitFor(() => stoppedSlow, "the generator's finally");
    assert.equal(aborted, true);
    const after = ticks;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(ticks, after, "no tick is produced after the client left");
  });

  it("HEAD of a stream never starts the producer", async () => {
    produced = 0;
    stoppedEndless = false;
    const res = await fetch(`${server.url}/endless`, { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.equal(produced, 0);
  });
});
