import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket as WsSocket, WebSocketServer } from "ws";
import type { Request } from "../request.js";
import { WS_1000_NORMAL_CLOSURE, WS_1006_ABNORMAL_CLOSURE, WebSocketDisconnect } from "./close-codes.js";
import { MessageQueue, type WebSocketMessage } from "./message-queue.js";

export type { WebSocketMessage } from "./message-queue.js";

/** Options of {@link WebSocketConnection.accept}. */
export interface AcceptOptions {
  /** The subprotocol chosen among those the client offered (`Sec-WebSocket-Protocol`). */
  subprotocol?: string;
  /** Extra headers on the 101 response. */
  headers?: Record<string, string>;
}

/** What a connection needs from the upgrade that created it. */
export interface UpgradeContext {
  readonly wss: WebSocketServer;
  readonly im: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  /** Ping period in ms, or false. */
  readonly pingInterval: number | false;
  /** Per-upgrade choices read by the server's `handleProtocols` and `headers` hooks. */
  readonly choices: WeakMap<IncomingMessage, AcceptOptions>;
  /** Whether the server is shutting down (no new connections are accepted). */
  readonly closing: () => boolean;
}

// Messages queued beyond this make the socket pause, so a client that sends faster than the
// handler reads is slowed down by TCP instead of filling memory.
const QUEUE_HIGH = 16;
// `send()` waits for the socket once this much is buffered for a slow client.
const SEND_HIGH = 1024 * 1024;

/**
 * One WebSocket connection, as the handler sees it (Starlette's `WebSocket`). The handler decides:
 * `accept()` to open it, or `close()` before accepting to refuse it (the client gets HTTP 403, as
 * uvicorn does). After accepting: `send`/`receive`, `for await` over messages, `close`.
 * Incoming messages are queued up to a small bound, then the socket pauses; `send` resolves once
 * the data is handed over, waiting while the client is slow; a ping every `pingInterval`
 * detects dead peers.
 *
 * @example
 * app.websocket("/echo", {}, async ({ ws }) => {
 *   await ws.accept();
 *   for await (const message of ws) await ws.send(message);
 * });
 */
export class WebSocketConnection implements AsyncIterable<WebSocketMessage> {
  /** The upgrade request (headers, query, cookies, client). */
  readonly req: Request;
  readonly #upgrade: UpgradeContext;
  #state: "connecting" | "open" | "closed" = "connecting";
  #ws: WsSocket | undefined;
  readonly #messages = new MessageQueue({
    refuse: () => (this.#state === "connecting" ? new Error("Call accept() before receiving") : undefined),
    backpressure: {
      highWaterMark: QUEUE_HIGH,
      pause: () => {
        if (this.#ws && !this.#ws.isPaused) this.#ws.pause();
      },
      resume: () => {
        if (this.#ws?.isPaused) this.#ws.resume();
      },
    },
  });
  #refusal: { code: number; reason: string } | undefined;
  #resolveClosed!: (info: { code: number; reason: string }) => void;
  readonly #closed: Promise<{ code: number; reason: string }>;
  readonly #abort = new AbortController();
  #pingTimer: NodeJS.Timeout | undefined;
  #alive = true;

  constructor(req: Request, upgrade: UpgradeContext) {
    this.req = req;
    this.#upgrade = upgrade;
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /** "connecting" until accepted (or refused), "open", then "closed". */
  get state(): "connecting" | "open" | "closed" {
    return this.#state;
  }

  /** The subprotocol agreed at accept, "" if none. */
  get subprotocol(): string {
    return this.#ws?.protocol ?? "";
  }

  /** Resolves with the close code and reason once the connection is closed, however it closed. */
  get closed(): Promise<{ code: number; reason: string }> {
    return this.#closed;
  }

  /** Aborts when the connection closes: pass it to work that should stop with it. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** @internal Set when the handler refused the connection with `close()` before accepting. */
  get refusal(): { code: number; reason: string } | undefined {
    return this.#refusal;
  }

  /** Completes the handshake (HTTP 101). */
  accept(options: AcceptOptions = {}): Promise<void> {
    if (this.#state !== "connecting") return Promise.reject(new Error(`Cannot accept a WebSocket that is ${this.#state}`));
    const { wss, im, socket, head, choices, closing } = this.#upgrade;
    if (closing()) return Promise.reject(new WebSocketDisconnect(1001, "The server is shutting down"));
    choices.set(im, options);
    return new Promise((resolve, reject) => {
      const onGone = () => reject(new WebSocketDisconnect(WS_1006_ABNORMAL_CLOSURE, "The client left during the handshake"));
      socket.once("close", onGone);
      wss.handleUpgrade(im, socket, head, (ws) => {
        socket.off("close", onGone);
        this.#attach(ws);
        resolve();
      });
    });
  }

  /** Sends a text (string) or binary (bytes) message; waits while the client is not keeping up. */
  send(data: string | Uint8Array): Promise<void> {
    const ws = this.#openSocket("send");
    return new Promise((resolve, reject) => {
      let settled = false;
      ws.send(data, (error) => {
        if (settled) return;
        settled = true;
        if (error) reject(this.#disconnect());
        else resolve();
      });
      if (!settled && ws.bufferedAmount < SEND_HIGH) {
        settled = true;
        resolve();
      }
    });
  }

  /** Sends a value as a JSON text message. */
  sendJson(value: unknown): Promise<void> {
    return this.send(JSON.stringify(value) ?? "null");
  }

  /** The next message; throws {@link WebSocketDisconnect} once the connection is closed. */
  receive(): Promise<WebSocketMessage> {
    return this.#messages.receive();
  }

  /** The next message as text (a binary message is decoded as UTF-8). */
  receiveText(): Promise<string> {
    return this.#messages.receiveText();
  }

  /** The next message as bytes (a text message is encoded as UTF-8). */
  receiveBytes(): Promise<Buffer> {
    return this.#messages.receiveBytes();
  }

  /** The next message parsed as JSON. */
  receiveJson<T = unknown>(): Promise<T> {
    return this.#messages.receiveJson<T>();
  }

  /** Messages until the connection closes (then the loop ends, without an error). */
  async *[Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    for (;;) {
      try {
        yield await this.receive();
      } catch (error) {
        if (error instanceof WebSocketDisconnect) return;
        throw error;
      }
    }
  }

  /**
   * Closes the connection with a code (default 1000) and reason. Before `accept()`, this refuses
   * the connection instead: the client gets HTTP 403, as Starlette over uvicorn.
   */
  async close(code: number = WS_1000_NORMAL_CLOSURE, reason = ""): Promise<void> {
    if (this.#state === "connecting") {
      this.#refusal = { code, reason };
      this.#finish(code, reason);
      return;
    }
    if (this.#state === "closed" || !this.#ws) return;
    this.#ws.close(code, reason);
  }

  /** @internal Cuts the connection without a closing handshake (dead peer, shutdown timeout). */
  terminate(): void {
    this.#ws?.terminate();
  }

  #openSocket(action: string): WsSocket {
    if (this.#state === "connecting") throw new Error(`Call accept() before you ${action}`);
    if (this.#state === "closed" || !this.#ws || this.#ws.readyState !== this.#ws.OPEN) {
      throw this.#disconnect();
    }
    return this.#ws;
  }

  /** The error for using a connection that is gone: its close code, or 1006 if it never closed cleanly. */
  #disconnect(): WebSocketDisconnect {
    const info = this.#messages.closeInfo;
    return new WebSocketDisconnect(info?.code ?? WS_1006_ABNORMAL_CLOSURE, info?.reason ?? "");
  }

  #attach(ws: WsSocket): void {
    this.#ws = ws;
    this.#state = "open";
    ws.on("message", (data, isBinary) => this.#messages.push(data, isBinary));
    ws.on("pong", () => {
      this.#alive = true;
    });
    // ws closes the connection itself after a protocol error (1002, 1007, 1009); "close" follows.
    ws.on("error", () => undefined);
    ws.on("close", (code, reason) => this.#finish(code, reason.toString("utf8")));
    const interval = this.#upgrade.pingInterval;
    if (interval !== false) {
      this.#pingTimer = setInterval(() => {
        if (!this.#alive) {
          ws.terminate();
          return;
        }
        this.#alive = false;
        ws.ping();
      }, interval);
    }
  }

  #finish(code: number, reason: string): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    clearInterval(this.#pingTimer);
    this.#messages.close(code, reason);
    this.#abort.abort(new WebSocketDisconnect(code, reason));
    this.#resolveClosed({ code, reason });
  }
}
