import type { RequestContext } from "./request-context.js";
import { HEADER, HEADER_INTS, SLOT, SLOT_INTS, TEXT_BYTES, inFlightBufferSize } from "./in-flight-layout.js";
import { monotonicMs, writeSplitId } from "./shared-layout.js";
import { performance } from "node:perf_hooks";
import process from "node:process";

const DEFAULT_SLOTS = 256;
// x86-64 keeps stores in program order for other cores (TSO), and V8 emits typed-array stores in
// program order, so a plain store of the generation publishes the fields stored before it. An
// `Atomics.store` is a builtin call V8 does not inline (a tenth of the entry's cost); other
// architectures reorder stores and keep it.
const PUBLISH_WITH_PLAIN_STORE = process.arch === "x64";
const SPACE = 32;
const QUESTION_MARK = 63;

/**
 * The process's table of requests in flight: a JavaScript array (for the dashboard) mirrored in
 * shared memory (for the watchdog thread, which must be able to list them while the loop is
 * stuck). Entering costs a free-list pop, a few stores and a copy of the URL (at most 96 characters).
 */
export class InFlightTable {
  readonly buffer: SharedArrayBuffer;
  readonly #view: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #contexts: (RequestContext | undefined)[];
  readonly #free: Int32Array;
  #freeCount: number;
  #generation = 0;

  constructor(slots = DEFAULT_SLOTS) {
    this.buffer = new SharedArrayBuffer(inFlightBufferSize(slots));
    this.#view = new Int32Array(this.buffer);
    this.#bytes = new Uint8Array(this.buffer);
    new Float64Array(this.buffer, 0, 1)[0] = monotonicMs() - performance.now();
    Atomics.store(this.#view, HEADER.slotCount, slots);
    this.#contexts = new Array<RequestContext | undefined>(slots).fill(undefined);
    this.#free = new Int32Array(slots);
    // Lowest slots first: the reader scans fewer bytes when traffic is light.
    for (let i = 0; i < slots; i++) this.#free[i] = slots - 1 - i;
    this.#freeCount = slots;
  }

  /** Lists `ctx`; returns its slot, or -1 when the table is full (the request is counted only). */
  enter(ctx: RequestContext): number {
    if (this.#freeCount === 0) {
      Atomics.add(this.#view, HEADER.overflow, 1);
      return -1;
    }
    const slot = this.#free[--this.#freeCount]!;
    this.#contexts[slot] = ctx;
    const view = this.#view;
    const base = HEADER_INTS + slot * SLOT_INTS;
    // Plain stores while the slot's generation is 0; the generation's store below publishes them.
    writeSplitId(view, base + SLOT.idLow, ctx.id);
    view[base + SLOT.startedAt] = Math.round(ctx.startedAt) | 0;
    const method = methodCode(ctx.method);
    view[base + SLOT.method] = method;
    if (method === 0) view[base + SLOT.textLength] = this.#writeText(base + SLOT.text, ctx.method, ctx.url);
    else {
      // The URL alone, written here rather than through a helper: small enough for V8 to inline
      // this method into its caller (measured: ~80 instructions a request less).
      const url = ctx.url;
      const bytes = this.#bytes;
      const start = (base + SLOT.text) * Int32Array.BYTES_PER_ELEMENT;
      const count = url.length < TEXT_BYTES ? url.length : TEXT_BYTES;
      for (let i = 0; i < count; i++) {
        const code = url.charCodeAt(i);
        bytes[start + i] = code > 0xff ? QUESTION_MARK : code;
      }
      view[base + SLOT.textLength] = count;
    }
    view[base + SLOT.outLength] = 0;
    let generation = this.#generation + 1;
    if (generation > 0x7fff_ffff) generation = 1;
    this.#generation = generation;
    if (PUBLISH_WITH_PLAIN_STORE) view[base + SLOT.generation] = generation;
    else Atomics.store(view, base + SLOT.generation, generation);
    return slot;
  }

  /** Removes the request in `slot` (from {@link enter}; -1 is ignored). */
  leave(slot: number): void {
    if (slot < 0) return;
    // A plain store: the watchdog reads the table while the loop is blocked, so nothing races
    // with it then. Racing a running loop, a reader may still list a request that just ended;
    // where stores can become visible out of order (not on x86), it could list a next request's
    // fields under the old generation, a wrong line in a report, never a crash.
    this.#view[HEADER_INTS + slot * SLOT_INTS + SLOT.generation] = 0;
    this.#contexts[slot] = undefined;
    this.#free[this.#freeCount++] = slot;
  }

  /** Says which outbound call the request in `slot` waits for (or none, with `undefined`). */
  setOutbound(slot: number, call: { method: string; url: string; startMs: number } | undefined, requestStartedAt: number): void {
    if (slot < 0) return;
    const view = this.#view;
    const base = HEADER_INTS + slot * SLOT_INTS;
    Atomics.add(view, base + SLOT.outSeq, 1);
    if (call === undefined) view[base + SLOT.outLength] = 0;
    else {
      view[base + SLOT.outStartedAt] = Math.round(requestStartedAt + call.startMs) | 0;
      view[base + SLOT.outLength] = this.#writeText(base + SLOT.out, call.method, call.url);
    }
    Atomics.add(view, base + SLOT.outSeq, 1);
  }

  /** The contexts in flight, in slot order. */
  *contexts(): IterableIterator<RequestContext> {
    for (const ctx of this.#contexts) if (ctx !== undefined) yield ctx;
  }

  /** Requests that found the table full since it was created. */
  get overflow(): number {
    return Atomics.load(this.#view, HEADER.overflow);
  }

  /**
   * Writes `first second` as Latin-1 bytes at an Int32 index, cut to fit; returns the byte
   * length. A loop of stores: for the few dozen characters of a method and a URL it costs a
   * fraction of two native `Buffer.write` calls. Characters beyond Latin-1 (never in a URL from
   * the HTTP parser) become `?`; the reader replaces control bytes.
   */
  #writeText(intIndex: number, first: string, second: string): number {
    const start = intIndex * Int32Array.BYTES_PER_ELEMENT;
    const end = start + TEXT_BYTES;
    const bytes = this.#bytes;
    let at = writeLatin1(bytes, first, start, end);
    if (at < end) bytes[at++] = SPACE;
    at = writeLatin1(bytes, second, at, end);
    return at - start;
  }
}

/**
 * 1 + the method's index in KNOWN_METHODS, or 0: comparisons rather than `indexOf`, the parser's
 * method strings comparing by identity (test/watch/in-flight.test.ts checks both lists agree).
 */
function methodCode(method: string): number {
  if (method === "GET") return 1;
  if (method === "POST") return 2;
  if (method === "PUT") return 3;
  if (method === "PATCH") return 4;
  if (method === "DELETE") return 5;
  if (method === "HEAD") return 6;
  if (method === "OPTIONS") return 7;
  return 0;
}

/** Stores the characters of `text` from `at`, up to `end`; returns where it stopped. */
function writeLatin1(bytes: Uint8Array, text: string, at: number, end: number): number {
  const count = Math.min(text.length, end - at);
  for (let i = 0; i < count; i++) {
    const code = text.charCodeAt(i);
    bytes[at + i] = code > 0xff ? QUESTION_MARK : code;
  }
  return at + count;
}

let table: InFlightTable | undefined;

/** The process's in-flight table (created on first use). */
export function inFlightTable(): InFlightTable {
  return (table ??= new InFlightTable());
}
