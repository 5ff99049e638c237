import type { IncomingMessage } from "node:http";
import { HTTPException } from "../errors/http-exception.js";

/** Where a request body comes from: a socket, or bytes handed to the TestClient. */
export interface BodySource {
  /** The declared `Content-Length`, if any. */
  readonly declaredLength: number | undefined;
  /** Reads the whole body; more than `limit` bytes is a 413, raised without reading the rest. */
  read(limit: number): Promise<Buffer>;
  /** The body as a stream of chunks, for streaming parsers (multipart). */
  stream(): AsyncIterable<Buffer>;
  /** Whether the body was left unread, so the connection cannot be reused. */
  readonly unread: boolean;
}

const EMPTY = Buffer.alloc(0);

function tooLarge(limit: number): HTTPException {
  return new HTTPException(413, `Request body is larger than the limit of ${limit} bytes`, { connection: "close" });
}

/** The body of a `node:http` request. */
export class SocketBodySource implements BodySource {
  readonly declaredLength: number | undefined;
  #message: IncomingMessage;
  #consumed = false;

  constructor(message: IncomingMessage) {
    this.#message = message;
    const header = message.headers["content-length"];
    this.declaredLength = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
  }

  get unread(): boolean {
    return !this.#consumed && !this.#message.complete;
  }

  read(limit: number): Promise<Buffer> {
    if (this.#consumed) return Promise.reject(new Error("The request body was already read"));
    this.#consumed = true;
    const message = this.#message;
    if (this.declaredLength !== undefined && this.declaredLength > limit) return Promise.reject(tooLarge(limit));
    if (message.complete && this.declaredLength === 0) return Promise.resolve(EMPTY);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const cleanup = () => {
        message.off("data", onData);
        message.off("end", onEnd);
        message.off("error", onError);
        message.off("aborted", onAborted);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          cleanup();
          message.pause();
          reject(tooLarge(limit));
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = () => {
        cleanup();
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new HTTPException(400, `Could not read the request body: ${error.message}`, { connection: "close" }));
      };
      const onAborted = () => onError(new Error("the client aborted the request"));
      message.on("data", onData);
      message.on("end", onEnd);
      message.on("error", onError);
      message.on("aborted", onAborted);
    });
  }

  async *stream(): AsyncIterable<Buffer> {
    if (this.#consumed) throw new Error("The request body was already read");
    this.#consumed = true;
    for await (const chunk of this.#message) yield chunk as Buffer;
  }
}

/** A body given as bytes (TestClient, thread-lane marshaling). */
export class BufferBodySource implements BodySource {
  readonly declaredLength: number | undefined;
  #bytes: Buffer;
  #consumed = false;

  constructor(bytes: Buffer | Uint8Array) {
    this.#bytes = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.declaredLength = this.#bytes.length;
  }

  get unread(): boolean {
    return false;
  }

  read(limit: number): Promise<Buffer> {
    if (this.#consumed) return Promise.reject(new Error("The request body was already read"));
    this.#consumed = true;
    if (this.#bytes.length > limit) return Promise.reject(tooLarge(limit));
    return Promise.resolve(this.#bytes);
  }

  async *stream(): AsyncIterable<Buffer> {
    if (this.#consumed) throw new Error("The request body was already read");
    this.#consumed = true;
    if (this.#bytes.length > 0) yield this.#bytes;
  }
}
