import type { RawData } from "ws";
import { WebSocketDisconnect } from "./close-codes.js";
import { Buffer } from "node:buffer";

/** A message received: text frames arrive as strings, binary frames as Buffers. */
export type WebSocketMessage = string | Buffer;

/** How a queue slows its sender down: the server side pauses the socket, so TCP pushes back. */
export interface Backpressure {
  /** Queue length at which `pause` is called; `resume` is called once it is below half of it. */
  readonly highWaterMark: number;
  pause(): void;
  resume(): void;
}

/** Options of a {@link MessageQueue}. */
export interface MessageQueueOptions {
  /** Checked first on every receive: an error to reject with (e.g. not accepted yet), or undefined. */
  refuse?: () => Error | undefined;
  backpressure?: Backpressure;
}

/**
 * @internal The incoming side of one WebSocket, for both ends (the server's connection and the
 * test client's socket): messages in arrival order, handed to whoever waits or queued until
 * someone receives; after `close`, the queued ones are still received, then every receive
 * rejects with {@link WebSocketDisconnect}.
 *
 * @example
 * const messages = new MessageQueue();
 * ws.on("message", (data, isBinary) => messages.push(data, isBinary));
 * ws.on("close", (code, reason) => messages.close(code, reason.toString("utf8")));
 * const greeting = await messages.receiveText();
 */
export class MessageQueue {
  readonly #messages: WebSocketMessage[] = [];
  readonly #waiters: { resolve: (m: WebSocketMessage) => void; reject: (e: unknown) => void }[] = [];
  readonly #refuse: (() => Error | undefined) | undefined;
  readonly #backpressure: Backpressure | undefined;
  #closeInfo: { code: number; reason: string } | undefined;

  constructor(options: MessageQueueOptions = {}) {
    this.#refuse = options.refuse;
    this.#backpressure = options.backpressure;
  }

  /** The close code and reason once closed, undefined before. */
  get closeInfo(): { code: number; reason: string } | undefined {
    return this.#closeInfo;
  }

  /** Takes in one frame as `ws` delivers it: text frames become strings, binary ones Buffers. */
  push(data: RawData, isBinary: boolean): void {
    const message: WebSocketMessage = isBinary ? toBuffer(data) : toBuffer(data).toString("utf8");
    const waiter = this.#waiters.shift();
    if (waiter) return waiter.resolve(message);
    this.#messages.push(message);
    if (this.#backpressure && this.#messages.length >= this.#backpressure.highWaterMark) this.#backpressure.pause();
  }

  /** Ends the stream: pending receives reject now, later ones once the queue is empty. */
  close(code: number, reason: string): void {
    if (this.#closeInfo) return;
    this.#closeInfo = { code, reason };
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new WebSocketDisconnect(code, reason));
  }

  /** The next message; rejects with {@link WebSocketDisconnect} once closed and drained. */
  receive(): Promise<WebSocketMessage> {
    const refusal = this.#refuse?.();
    if (refusal) return Promise.reject(refusal);
    const queued = this.#messages.shift();
    if (queued !== undefined) {
      if (this.#backpressure && this.#messages.length < this.#backpressure.highWaterMark / 2) this.#backpressure.resume();
      return Promise.resolve(queued);
    }
    if (this.#closeInfo) return Promise.reject(new WebSocketDisconnect(this.#closeInfo.code, this.#closeInfo.reason));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** The next message as text (a binary message is decoded as UTF-8). */
  async receiveText(): Promise<string> {
    const message = await this.receive();
    return typeof message === "string" ? message : message.toString("utf8");
  }

  /** The next message as bytes (a text message is encoded as UTF-8). */
  async receiveBytes(): Promise<Buffer> {
    const message = await this.receive();
    return typeof message === "string" ? Buffer.from(message) : message;
  }

  /** The next message parsed as JSON. */
  async receiveJson<T>(): Promise<T> {
    return JSON.parse(await this.receiveText()) as T;
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
