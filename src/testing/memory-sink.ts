import { EventEmitter } from "node:events";
import type { HeaderMap } from "../responses/headers.js";
import type { ResponseSink } from "../server/write-response.js";
import { Buffer } from "node:buffer";

/** A ResponseSink that keeps what is written, for the TestClient. */
export class MemorySink extends EventEmitter implements ResponseSink {
  status = 0;
  headers: HeaderMap = {};
  readonly chunks: Buffer[] = [];
  destroyed = false;
  readonly finished: Promise<void>;
  #resolve!: () => void;

  constructor() {
    super();
    this.finished = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  writeHead(status: number, headers: HeaderMap): this {
    this.status = status;
    this.headers = { ...headers };
    return this;
  }

  write(chunk: Uint8Array | string): boolean {
    this.chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
    return true;
  }

  end(chunk?: Uint8Array | string): this {
    if (chunk !== undefined) this.write(chunk);
    this.#resolve();
    return this;
  }

  destroy(): void {
    this.destroyed = true;
    this.emit("close");
    this.#resolve();
  }
}
