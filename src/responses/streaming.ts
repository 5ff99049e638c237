import { Response, type ResponseInit } from "./response.js";

/** What a {@link StreamingResponse} streams: chunks of bytes or text, produced now or later. */
export type StreamContent = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * Streams chunks to the client as they are produced, honouring backpressure: the producer is
 * paused while the client is slow, and stopped (its `finally` runs) when the client goes away.
 *
 * @example
 * app.get("/count", () =>
 *   new StreamingResponse(
 *     (async function* () {
 *       for (let i = 0; i < 10; i++) yield `${i}\n`;
 *     })(),
 *     { mediaType: "text/plain; charset=utf-8" },
 *   ),
 * );
 */
export class StreamingResponse extends Response {
  constructor(content: StreamContent, init: ResponseInit = {}) {
    super(toAsyncChunks(content), init);
  }
}

/** An async view of any chunk source; a plain string or byte array is one chunk. */
export function toAsyncChunks(content: StreamContent | string | Uint8Array): AsyncIterable<Uint8Array | string> {
  if (typeof content === "string" || content instanceof Uint8Array) return single(content);
  if (Symbol.asyncIterator in content) return content;
  return fromSync(content);
}

async function* single(chunk: Uint8Array | string): AsyncGenerator<Uint8Array | string> {
  yield chunk;
}

// A sync iterable yields to the event loop between chunks (the writer awaits each one), and its
// `return` runs when the client leaves because `for...of` forwards it.
async function* fromSync(content: Iterable<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  for (const chunk of content) yield chunk;
}

/**
 * The items of a handler's return value when it is a stream: an async iterable, or a sync
 * generator object (a `function*` handler) whose items are pulled one per write. Arrays and other
 * plain iterables are values, not streams; undefined for them.
 */
export function itemStream(value: unknown): AsyncIterable<unknown> | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (Symbol.asyncIterator in value) return value as AsyncIterable<unknown>;
  // Most results are plain objects: an `in` check answers for them before the costlier toString.
  if (!(Symbol.iterator in value)) return undefined;
  if (Object.prototype.toString.call(value) === "[object Generator]") return fromSyncItems(value as Generator<unknown>);
  return undefined;
}

async function* fromSyncItems(items: Generator<unknown>): AsyncGenerator<unknown> {
  yield* items;
}
