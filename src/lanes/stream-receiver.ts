import type { MessagePort } from "node:worker_threads";
import { decodeError } from "./error-transport.js";
import { STREAM_WINDOW, type StreamChunkMessage, type StreamControlMessage } from "./stream-protocol.js";

/**
 * Main side of a streamed thread-lane response: an async iterator over the chunks a worker
 * sends, returning credit as they are consumed. `return()` (the client went away) tells the
 * worker to stop; {@link fail} ends the stream with an error (the worker thread died).
 */
export class StreamReceiver implements AsyncIterableIterator<Uint8Array | string> {
  readonly #port: MessagePort;
  readonly #queue: (Uint8Array | string)[] = [];
  #consumed = 0;
  #ended = false;
  #failure: Error | undefined;
  #waiter: (() => void) | undefined;

  constructor(port: MessagePort) {
    this.#port = port;
    port.on("message", (message: StreamChunkMessage) => {
      if ("chunk" in message) this.#queue.push(message.chunk);
      else if ("end" in message) this.#ended = true;
      else this.#failure ??= decodeError(message.error);
      this.#wake();
    });
    port.on("close", () => {
      if (!this.#ended) this.#failure ??= new Error("The worker thread producing the stream went away before it ended");
      this.#wake();
    });
  }

  /** Ends the stream with `error` unless it already ended. */
  fail(error: Error): void {
    if (this.#ended) return;
    this.#failure ??= error;
    this.#wake();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array | string>> {
    for (;;) {
      const chunk = this.#queue.shift();
      if (chunk !== undefined) {
        if (++this.#consumed >= STREAM_WINDOW / 2) {
          this.#send({ credit: this.#consumed });
          this.#consumed = 0;
        }
        return { done: false, value: chunk };
      }
      if (this.#failure) {
        this.#close();
        throw this.#failure;
      }
      if (this.#ended) {
        this.#close();
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
  }

  async return(): Promise<IteratorResult<Uint8Array | string>> {
    if (!this.#ended && !this.#failure) this.#send({ cancel: true });
    this.#ended = true;
    this.#queue.length = 0;
    this.#close();
    return { done: true, value: undefined };
  }

  #send(message: StreamControlMessage): void {
    this.#port.postMessage(message);
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  #close(): void {
    this.#port.close();
  }
}
