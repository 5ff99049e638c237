import type { HeaderMap } from "../responses/headers.js";
import type { Response } from "../responses/response.js";
import { Buffer } from "node:buffer";

/** The part of `http.ServerResponse` the writer uses; the TestClient implements it in memory. */
export interface ResponseSink {
  writeHead(status: number, headers: HeaderMap): unknown;
  write(chunk: Uint8Array | string): boolean;
  end(chunk?: Uint8Array | string): unknown;
  once(event: "drain" | "close", listener: () => void): unknown;
  off(event: "drain" | "close", listener: () => void): unknown;
  readonly destroyed: boolean;
  /** Whether the status line and headers are out (a failure after that can only cut the body). */
  readonly headersSent: boolean;
}

function statusHasNoBody(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/**
 * Writes a Response: fixed bodies with `Content-Length`, streams chunk by chunk honouring
 * backpressure, no body for HEAD / 204 / 304. Resolves when the last byte is handed to the socket
 * or the client is gone (a stream's producer is then stopped through its iterator's `return`).
 */
export function writeResponse(sink: ResponseSink, response: Response, method: string): void | Promise<void> {
  const { status, headers } = response;
  const body = response.body;
  if (statusHasNoBody(status)) {
    delete headers["content-length"];
    if (status === 204) delete headers["content-type"];
    sink.writeHead(status, headers);
    sink.end();
    return;
  }
  if (body === null || typeof body === "string" || body instanceof Uint8Array) {
    if (headers["content-length"] === undefined) {
      // A template, not String(): the String constructor is a builtin call V8 does not inline.
      headers["content-length"] = `${body === null ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength}`;
    }
    sink.writeHead(status, headers);
    if (method === "HEAD" || body === null) sink.end();
    else sink.end(body);
    return;
  }
  sink.writeHead(status, headers);
  if (method === "HEAD") {
    stopProducer(body);
    sink.end();
    return;
  }
  return pipeStream(sink, body);
}

async function pipeStream(sink: ResponseSink, body: AsyncIterable<Uint8Array | string>): Promise<void> {
  const iterator = body[Symbol.asyncIterator]();
  let gone = sink.destroyed;
  const onClose = () => {
    gone = true;
  };
  sink.once("close", onClose);
  try {
    while (!gone) {
      const next = await iterator.next();
      if (next.done) break;
      if (gone) break;
      const chunk = next.value;
      if ((typeof chunk === "string" ? chunk.length : chunk.byteLength) === 0) continue;
      if (!sink.write(chunk)) await waitForDrain(sink);
    }
  } catch (error) {
    // Headers are gone already: the only honest signal left is to cut the connection. Ending the
    // socket (rather than destroying it) first delivers what was produced; the client then sees a
    // body without its final chunk (or shorter than its Content-Length) and knows it is incomplete.
    gone = true;
    const socket = (sink as { socket?: { end(callback: () => void): unknown; destroy(): unknown; destroyed: boolean } | null }).socket;
    if (socket && !socket.destroyed) socket.end(() => socket.destroy());
    else if ("destroy" in sink && typeof sink.destroy === "function") sink.destroy(error as Error);
    throw error;
  } finally {
    sink.off("close", onClose);
    if (gone) await iterator.return?.();
    else sink.end();
  }
}

function waitForDrain(sink: ResponseSink): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sink.off("drain", done);
      sink.off("close", done);
      resolve();
    };
    sink.once("drain", done);
    sink.once("close", done);
  });
}

function stopProducer(body: AsyncIterable<unknown>): void {
  void body[Symbol.asyncIterator]().return?.();
}
