import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { App } from "loopwise";

/** Sends one request on `socket` and resolves with the whole response text once it is complete. */
function exchange(socket: net.Socket, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onClose = () => reject(new Error(`the connection closed before a whole response came: ${JSON.stringify(text)}`));
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(text);
      if (end !== -1 && length && text.length >= end + 4 + Number(length[1])) {
        socket.off("data", onData);
        socket.off("error", reject);
        socket.off("close", onClose);
        resolve(text);
      }
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.once("close", onClose);
    socket.write(request);
  });
}

/** A served app and a connection to it, kept alive after one request. */
async function keptAliveConnection() {
  const app = new App({ logger: false });
  app.get("/x", () => ({ ok: true }));
  const server = await app.serve({ port: 0, handleSignals: false });
  const socket = net.connect(server.port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  const first = await exchange(socket, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.match(first, /^HTTP\/1\.1 200 /);
  assert.match(first, /connection: keep-alive/i);
  return { server, socket };
}

describe("draining a server", () => {
  it("answers a request sent on an idle kept-alive connection just after close() began, with Connection: close", async () => {
    const { server, socket } = await keptAliveConnection();
    // The connection is idle now; the client sends its next request as the server starts to drain.
    const closing = server.close();
    const second = await exchange(socket, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.match(second, /^HTTP\/1\.1 200 /);
    assert.match(second, /connection: close/i);
    assert.match(second, /\{"ok":true\}$/);
    await closing;
    socket.destroy();
  });

  it("refuses new connections once close() began, and still closes kept-alive ones that stay idle", async () => {
    const { server, socket } = await keptAliveConnection();
    const closedByServer = new Promise((resolve) => socket.once("close", resolve));
    const closing = server.close();
    const refused = await new Promise<string>((resolve) => {
      const late = net.connect(server.port, "127.0.0.1");
      late.once("connect", () => resolve("connected"));
      late.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    });
    assert.equal(refused, "ECONNREFUSED");
    await closing;
    await closedByServer;
  });
});
