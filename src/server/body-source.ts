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
  /** False for a request that has no body at all (HTTP/1.1: no Content-Length above 0, no Transfer-Encoding). */
  readonly #mayHaveBody: boolean;

  constructor(message: IncomingMessage) {
    this.#message = message;
    const header = message.headers["content-length"];
    // Node's parser has refused a Content-Length that is not a single decimal number (400).
    const length = header === undefined ? NaN : Number(header);
    this.declaredLength = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
    this.#mayHaveBody = this.declaredLength !== undefined ? this.declaredLength > 0 : message.headers["transfer-encoding"] !== undefined;
  }

  get unread(): boolean {
    // A response can be ready before the parser has even marked a bodiless request complete
    // (a route with nothing to await answers inside the 'request' event): nothing is left unread.
    return !this.#consumed && this.#mayHaveBody && !this.#message.complete;
  }

  read(limit: number): Promise<Buffer> {
    if (this.#consumed) return Promise.reject(new Error("The request body was already read"));
    this.#consumed = true;
    if (this.declaredLength !== undefined && this.declaredLength > limit) return Promise.reject(tooLarge(limit));
    if (this.#allBuffered()) return this.#fromBuffer(limit);
    // A small body usually arrives in the same packet as its headers, but a route that reads it
    // at once runs inside the 'request' event, before the parser got to the body. After one
    // microtask the parser has finished that packet: the whole body is then in the stream's
    // buffer (`complete` is set only later), taken without flowing mode, four listeners and the
    // ticks between 'data' and 'end' (measured: bench/micro/same-process.ts post).
    return Promise.resolve().then(() => (this.#allBuffered() ? this.#fromBuffer(limit) : this.#fromEvents(limit)));
  }

  /** Whether every byte of the body is in the stream's buffer (nothing was read from it yet). */
  #allBuffered(): boolean {
    const message = this.#message;
    if (message.readableFlowing === true) return false;
    return message.complete || (this.declaredLength !== undefined && message.readableLength === this.declaredLength);
  }

  #fromBuffer(limit: number): Promise<Buffer> {
    const message = this.#message;
    return message.readableLength > limit ? Promise.reject(tooLarge(limit)) : Promise.resolve(this.#takeBuffered());
  }

  #fromEvents(limit: number): Promise<Buffer> {
    const message = this.#message;
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

  /** The whole body, from the stream's buffer. */
  #takeBuffered(): Buffer {
    const message = this.#message;
    // Paused mode: read() hands over everything buffered, concatenated; null once it is empty.
    const first = message.read() as Buffer | null;
    if (first === null) return EMPTY;
    const rest = message.read() as Buffer | null;
    if (rest === null) return first;
    const chunks = [first, rest];
    for (let chunk = message.read() as Buffer | null; chunk !== null; chunk = message.read() as Buffer | null) chunks.push(chunk);
    return Buffer.concat(chunks);
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
