import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket } from "ws";
import type { WebSocketDisconnect } from "../websocket/close-codes.js";
import { MessageQueue } from "../websocket/message-queue.js";
import { Buffer } from "node:buffer";

/** The connection was refused before it opened: the HTTP response the server sent instead. */
export class WebSocketDenied extends Error {
  readonly status: number;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;

  constructor(status: number, headers: IncomingMessage["headers"], body: Buffer) {
    super(`The WebSocket was refused with HTTP ${status}: ${body.toString("utf8")}`);
    this.name = "WebSocketDenied";
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /** The response body parsed as JSON. */
  json<T = any>(): T {
    return JSON.parse(this.body.toString("utf8")) as T;
  }
}

/**
 * The client end of a WebSocket opened by `TestClient.websocket()`: send, receive (in order,
 * buffered), close. `receive()` throws {@link WebSocketDisconnect} once the server has closed.
 *
 * @example
 * await using ws = await client.websocket("/echo");
 * await ws.sendJson({ hello: "world" });
 * assert.deepEqual(await ws.receiveJson(), { hello: "world" });
 */
export class TestWebSocket {
  readonly #ws: WebSocket;
  readonly #messages = new MessageQueue();
  readonly #closed: Promise<{ code: number; reason: string }>;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on("message", (data, isBinary) => this.#messages.push(data, isBinary));
    this.#closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        const info = { code, reason: reason.toString("utf8") };
        this.#messages.close(info.code, info.reason);
        resolve(info);
      });
    });
    ws.on("error", () => undefined);
  }

  /** @internal Opens a connection over `socket`; rejects with {@link WebSocketDenied} if refused. */
  static open(url: string, socket: Duplex, headers: Record<string, string>, protocols: string[]): Promise<TestWebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, { createConnection: () => socket as never, headers, autoPong: true });
      ws.once("open", () => resolve(new TestWebSocket(ws)));
      ws.once("unexpected-response", (_req, res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => reject(new WebSocketDenied(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
        res.on("error", reject);
      });
      ws.once("error", reject);
    });
  }

  /** The subprotocol the server accepted, "" if none. */
  get subprotocol(): string {
    return this.#ws.protocol;
  }

  /** Resolves with the close code and reason once closed. */
  get closed(): Promise<{ code: number; reason: string }> {
    return this.#closed;
  }

  /** Sends a text (string) or binary message. */
  send(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.#ws.send(data, (error) => (error ? reject(error) : resolve())));
  }

  /** Sends a value as JSON text. */
  sendJson(value: unknown): Promise<void> {
    return this.send(JSON.stringify(value));
  }

  /** The next message; throws {@link WebSocketDisconnect} once the server has closed. */
  receive(): Promise<string | Buffer> {
    return this.#messages.receive();
  }

  /** The next message as text. */
  receiveText(): Promise<string> {
    return this.#messages.receiveText();
  }

  /** The next message as bytes. */
  receiveBytes(): Promise<Buffer> {
    return this.#messages.receiveBytes();
  }

  /** The next message parsed as JSON. */
  receiveJson<T = any>(): Promise<T> {
    return this.#messages.receiveJson<T>();
  }

  /** Closes (default 1000) and waits for the server's answer. */
  async close(code = 1000, reason = ""): Promise<{ code: number; reason: string }> {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code, reason);
    return this.#closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
