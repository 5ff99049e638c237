import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket } from "ws";
import { WebSocketDisconnect } from "../websocket/close-codes.js";

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
  readonly #queue: (string | Buffer)[] = [];
  readonly #waiters: { resolve: (m: string | Buffer) => void; reject: (e: unknown) => void }[] = [];
  #closeInfo: { code: number; reason: string } | undefined;
  readonly #closed: Promise<{ code: number; reason: string }>;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on("message", (data, isBinary) => {
      const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      const message = isBinary ? buffer : buffer.toString("utf8");
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(message);
      else this.#queue.push(message);
    });
    this.#closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        this.#closeInfo = { code, reason: reason.toString("utf8") };
        for (const waiter of this.#waiters.splice(0)) waiter.reject(new WebSocketDisconnect(code, this.#closeInfo.reason));
        resolve(this.#closeInfo);
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
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#closeInfo) return Promise.reject(new WebSocketDisconnect(this.#closeInfo.code, this.#closeInfo.reason));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** The next message as text. */
  async receiveText(): Promise<string> {
    const message = await this.receive();
    return typeof message === "string" ? message : message.toString("utf8");
  }

  /** The next message as bytes. */
  async receiveBytes(): Promise<Buffer> {
    const message = await this.receive();
    return typeof message === "string" ? Buffer.from(message) : message;
  }

  /** The next message parsed as JSON. */
  async receiveJson<T = any>(): Promise<T> {
    return JSON.parse(await this.receiveText()) as T;
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
