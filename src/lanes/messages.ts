import type { IncomingHttpHeaders } from "node:http";
import type { MessagePort } from "node:worker_threads";
import type { HeaderMap } from "../responses/headers.js";
import type { EncodedError } from "./error-transport.js";

/**
 * What crosses between the main thread and a pool worker, on every thread-lane call. All plain
 * data (structured clone); byte bodies are transferred when they own their memory. Calls and
 * replies are tuples rather than objects: structured clone then writes no property names, which
 * halves the cost of the hop's messages (measured: ~9 µs → ~4 µs per post and receive).
 */

export const CALL_ROUTE = 0;
export const CALL_FUNCTION = 1;
export const CALL_PROBE = 2;

/** A thread-lane route call: the request as the handler needs it, parameters already validated. */
export type RouteCall = [
  kind: typeof CALL_ROUTE,
  /** Unique within the pool: indexes the cancellation slots. */
  id: number,
  /** Registry key; the module to import is its part after " @ " (see {@link moduleOfKey}). */
  key: string,
  method: string,
  url: string,
  /** `req.path` (inside a mount: the part after the prefix) and `req.rootPath`. */
  path: string,
  rootPath: string,
  headers: IncomingHttpHeaders,
  clientHost: string | undefined,
  clientPort: number,
  requestId: number,
  startedAt: number,
  pathParams: Record<string, string>,
  /** Validated parameters; undefined for a location the route does not declare. */
  pathValues: Record<string, unknown>,
  queryValues: Record<string, unknown> | undefined,
  headerValues: Record<string, unknown> | undefined,
  cookieValues: Record<string, unknown> | undefined,
  /** The raw body (parsed and validated on the worker), or undefined when the request has none. */
  body: Uint8Array | undefined,
  /** The body already validated on the main thread (a dependency read it there), else undefined. */
  validated: { readonly body: unknown; readonly form: Record<string, unknown> | undefined } | undefined,
  /** Values of the dependencies resolved on the main thread, as plain data. */
  deps: Record<string, unknown> | undefined,
];

/** A call of a registered function (a task, a thread-lane dependency) with its arguments. */
export type FunctionCall = [kind: typeof CALL_FUNCTION, id: number, key: string, args: readonly unknown[]];

/** Startup check: imports the keys' modules and reports the keys they did not register. */
export type ProbeCall = [kind: typeof CALL_PROBE, id: number, keys: readonly string[]];

export type Call = RouteCall | FunctionCall | ProbeCall;

/** The module a worker imports to find `key`: `GET /x @ file:///app.ts #1` → `file:///app.ts`. */
export function moduleOfKey(key: string): string {
  const module = key.slice(key.lastIndexOf(" @ ") + 3);
  const space = module.indexOf(" ");
  return space === -1 ? module : module.slice(0, space);
}

export const REPLY_RESPONSE = 0;
export const REPLY_VALUE = 1;
export const REPLY_SIDE = 2;
export const REPLY_ERROR = 3;
export const REPLY_SKIPPED = 4;
export const REPLY_PROBE = 5;

export type Reply =
  /** A route's complete response: status, headers and the serialized body. */
  | [kind: typeof REPLY_RESPONSE, status: number, headers: HeaderMap, body: string | Uint8Array | null]
  /** A function's return value, serialized on the worker (`v8.serialize`) so errors name the function. */
  | [kind: typeof REPLY_VALUE, serialized: Uint8Array]
  /** The response went through the side channel (a stream, or background jobs ran after it). */
  | [kind: typeof REPLY_SIDE, backgroundErrors: readonly EncodedError[] | undefined]
  | [kind: typeof REPLY_ERROR, error: EncodedError]
  /** Cancelled (client gone, timed out) before it started: nothing ran. */
  | [kind: typeof REPLY_SKIPPED]
  | [kind: typeof REPLY_PROBE, missing: readonly string[], failed: readonly string[]];

/** A finished response's status and headers. */
export interface ResponseHead {
  readonly status: number;
  readonly headers: HeaderMap;
}

/**
 * Posted by a worker on its `parentPort` (the pool re-emits it) when the response must reach
 * the main thread before the call ends: a stream (with the port its chunks come through) or a
 * response whose background jobs still have to run.
 */
export interface SideMessage {
  readonly loopwiseSide: number;
  readonly head: ResponseHead;
  readonly body: string | Uint8Array | null;
  readonly port: MessagePort | undefined;
}

export function isSideMessage(message: unknown): message is SideMessage {
  return typeof message === "object" && message !== null && typeof (message as SideMessage).loopwiseSide === "number";
}

/** Bodies below this size cross as a copy: for them a copy is cheaper than a transfer. */
const TRANSFER_THRESHOLD = 16 * 1024;

/**
 * Bytes ready to cross threads, and what to put in the transfer list. A buffer that owns its
 * whole ArrayBuffer is transferred (moved, not copied); one that shares its memory (Node's
 * pooled slab, a slice of a socket read) is copied once, since moving it would take its
 * neighbours' bytes too.
 *
 * @example
 * const { bytes, transfer } = transferable(body);
 * port.postMessage({ body: bytes }, transfer);
 */
export function transferable(bytes: Uint8Array): { bytes: Uint8Array; transfer: ArrayBuffer[] | undefined } {
  if (bytes.byteLength < TRANSFER_THRESHOLD) return { bytes, transfer: undefined };
  const buffer = bytes.buffer;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) {
    return { bytes, transfer: [buffer] };
  }
  const own = new Uint8Array(bytes.byteLength);
  own.set(bytes);
  return { bytes: own, transfer: [own.buffer] };
}

/**
 * A response body ready to cross threads: short text as is, long text encoded into bytes of its
 * own (which are then transferred), bytes through {@link transferable}.
 */
export function transferableBody(body: string | Uint8Array | null): { body: string | Uint8Array | null; transfer: ArrayBuffer[] | undefined } {
  if (body === null) return { body, transfer: undefined };
  if (typeof body === "string") {
    if (body.length < TRANSFER_THRESHOLD / 3) return { body, transfer: undefined };
    const encoded = textEncoder.encode(body);
    return { body: encoded, transfer: [encoded.buffer as ArrayBuffer] };
  }
  const { bytes, transfer } = transferable(body);
  return { body: bytes, transfer };
}

const textEncoder = new TextEncoder();
