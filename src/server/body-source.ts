import type { IncomingMessage } from "node:http";
import { HTTPException } from "../errors/http-exception.js";
import { Buffer } from "node:buffer";

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

/**
 * The body of a `node:http` request. Its headers are read from `rawHeaders` on first need, so a
 * bodiless GET never makes Node build the request's header object.
 */
export class SocketBodySource implements BodySource {
  #message: IncomingMessage;
  #consumed = false;
  /** Content-Length as a number, undefined for none or unusable, null before it was looked up. */
  #declaredLength: number | undefined | null = null;
  #chunked = false;

  constructor(message: IncomingMessage) {
    this.#message = message;
  }

  get declaredLength(): number | undefined {
    if (this.#declaredLength === null) this.#readFraming();
    return this.#declaredLength as number | undefined;
  }

  get unread(): boolean {
    // A response can be ready before the parser has even marked a bodiless request complete
    // (a route with nothing to await answers inside the 'request' event): nothing is left unread.
    // `complete` first: once the parser is done the headers need not be looked at.
    return !this.#consumed && !this.#message.complete && this.#mayHaveBody();
  }

  /** False for a request that has no body at all (HTTP/1.1: no Content-Length above 0, no Transfer-Encoding). */
  #mayHaveBody(): boolean {
    const length = this.declaredLength;
    return length !== undefined ? length > 0 : this.#chunked;
  }

  /**
   * Content-Length and Transfer-Encoding from `rawHeaders`, the first of each as Node's header
   * object keeps them. Node's parser has already refused a Content-Length that is not a decimal
   * number, and conflicting duplicates (400).
   */
  #readFraming(): void {
    const raw = this.#message.rawHeaders;
    let length: string | undefined;
    let chunked = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      if (length === undefined && name.length === 14 && name.toLowerCase() === "content-length") length = raw[i + 1];
      else if (name.length === 17 && name.toLowerCase() === "transfer-encoding") chunked = true;
    }
    const value = length === undefined ? NaN : Number(length);
    this.#declaredLength = Number.isSafeInteger(value) && value >= 0 ? value : undefined;
    this.#chunked = chunked;
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
