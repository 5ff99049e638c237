import { EventEmitter } from "node:events";
import { validateHeaderName, validateHeaderValue } from "node:http";
import type { HeaderMap } from "../responses/headers.js";
import type { ResponseSink } from "../server/write-response.js";
import { Buffer } from "node:buffer";

/** A ResponseSink that keeps what is written, for the TestClient. */
export class MemorySink extends EventEmitter implements ResponseSink {
  status = 0;
  headers: HeaderMap = {};
  readonly chunks: Buffer[] = [];
  destroyed = false;
  headersSent = false;
  readonly finished: Promise<void>;
  #resolve!: () => void;

  constructor() {
    super();
    this.finished = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  writeHead(status: number, headers: HeaderMap): this {
    // What node:http refuses is refused here too, so a test sees what a client would.
    for (const name in headers) {
      validateHeaderName(name);
      const value = headers[name]!;
      if (Array.isArray(value)) for (const item of value) validateHeaderValue(name, item);
      else validateHeaderValue(name, value);
    }
    this.status = status;
    this.headers = { ...headers };
    this.headersSent = true;
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
