import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { WebSocket } from "ws";
import { App, WebSocketDisconnect } from "loopwise";
import { TestClient } from "loopwise/testing";
import { serve, waitFor, waitUntilSteady } from "../streaming/helpers.js";

const MiB = 1024 * 1024;

function open(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, options);
  return once(ws, "open").then(() => ws);
}

describe("WebSocket keep-alive, backpressure and shutdown (over a socket)", () => {
  it("pings on an interval; a peer that answers stays, one that does not is cut off", async () => {
    const app = new App({ logger: false });
    let closedWith: number | undefined;
    app.websocket("/ws", { pingInterval: 30 }, async ({ ws }) => {
      await ws.accept();
      closedWith = (await ws.closed).code;
    });
    const server = await serve(app);
    try {
      const url = `${server.url.replace("http:", "ws:")}/ws`;
      const alive = await open(url);
      let pings = 0;
      alive.on("ping", () => pings++);
      await waitFor(() => pings >= 4, "several pings");
      assert.equal(alive.readyState, WebSocket.OPEN, "answering pongs keeps the connection");
      alive.close(1000);
      await once(alive, "close");

      const silent = await open(url, { autoPong: false });
      const [code] = await once(silent, "close");
      assert.equal(code, 1006, "cut off without a closing handshake");
      await waitFor(() => closedWith === 1006, "the handler to see the abnormal closure");
    } finally {
      await server.close();
    }
  });

  it("send() waits while the client does not read, so the server holds a bounded amount", async () => {
    const app = new App({ logger: false });
    let sent = 0;
    let finished = false;
    app.websocket("/flood", async ({ ws }) => {
      await ws.accept();
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        while (sent < 256 * MiB) {
          await ws.send(chunk);
          sent += chunk.length;
        }
      } catch (error) {
        if (!(error instanceof WebSocketDisconnect)) throw error;
      } finally {
        finished = true;
      }
    });
    const server = await serve(app);
    try {
      const client = await open(`${server.url.replace("http:", "ws:")}/flood`);
      client.pause();
      const stalledAt = await waitUntilSteady(() => sent);
      assert.ok(stalledAt < 64 * MiB, `the server sent ${(stalledAt / MiB).toFixed(1)} MiB to a client that read nothing`);
      let received = 0;
      client.on("message", (data: Buffer) => (received += data.length));
      client.resume();
      await waitFor(() => sent > stalledAt + 8 * MiB, "sending to resume");
      client.terminate();
      await waitFor(() => finished, "the handler to stop once the client is gone");
      assert.ok(received > 0);
    } finally {
      await server.close();
    }
  });

  it("a client sending faster than the handler reads is slowed down by TCP; nothing is lost", async () => {
    const app = new App({ logger: false });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const seen: number[] = [];
    app.websocket("/slow-reader", async ({ ws }) => {
      await ws.accept();
      await released;
      for await (const message of ws) {
        seen.push((message as Buffer).readUInt32BE(0));
        if (seen.length === 200) await ws.send("all");
      }
    });
    const server = await serve(app);
    try {
      const client = await open(`${server.url.replace("http:", "ws:")}/slow-reader`);
      const message = Buffer.alloc(256 * 1024);
      for (let i = 0; i < 200; i++) {
        message.writeUInt32BE(i, 0);
        client.send(Buffer.from(message));
      }
      const stuck = await waitUntilSteady(() => client.bufferedAmount);
      assert.ok(stuck > 0, "the server stopped reading while its handler was busy: the client still holds data");
      const all = once(client, "message");
      release();
      assert.equal(String((await all)[0]), "all");
      assert.deepEqual(seen, Array.from({ length: 200 }, (_, i) => i), "every message, in order");
      client.close(1000);
    } finally {
      await server.close();
    }
  });

  it("closing the server says 1001 Going Away to every open connection and waits for them", async () => {
    const app = new App({ logger: false });
    const handlerSaw: number[] = [];
    app.websocket("/stay", async ({ ws }) => {
      await ws.accept();
      await ws.send("ready");
      for await (const _ of ws) {
        // keep listening
      }
      handlerSaw.push((await ws.closed).code);
    });
    const server = await serve(app);
    const url = `${server.url.replace("http:", "ws:")}/stay`;
    const clients = [new WebSocket(url), new WebSocket(url)];
    // The first message can arrive with the handshake: listen before anything else happens.
    await Promise.all(clients.map((c) => once(c, "message")));
    const closes = clients.map((c) => once(c, "close"));
    await server.close();
    for (const [code, reason] of await Promise.all(closes)) {
      assert.equal(code, 1001);
      assert.equal(String(reason), "The server is shutting down");
    }
    assert.deepEqual(handlerSaw, [1001, 1001]);
    assert.equal(app.websocketRoutes.open, 0);
  });

  it("the TestClient closes its connections when it is disposed", async () => {
    const app = new App({ logger: false });
    let code: number | undefined;
    app.websocket("/ws", async ({ ws }) => {
      await ws.accept();
      code = (await ws.closed).code;
    });
    {
      await using client = new TestClient(app);
      await client.websocket("/ws");
    }
    await waitFor(() => code !== undefined, "the server side to close");
    assert.equal(code, 1000);
  });
});
