import type { RequestContext } from "./request-context.js";
import { HEADER, HEADER_INTS, SLOT, SLOT_INTS, TEXT_BYTES, inFlightBufferSize } from "./in-flight-layout.js";
import { monotonicMs } from "./shared-layout.js";

const DEFAULT_SLOTS = 256;
/** Written in place of a character outside Latin-1: the table is for reading, not for parsing. */
const QUESTION_MARK = 63;

/**
 * The process's table of requests in flight: a JavaScript array (for the dashboard) mirrored in
 * shared memory (for the watchdog thread, which must be able to list them while the loop is
 * stuck). Entering costs a free-list pop and a few stores; the texts are copied byte by byte.
 */
export class InFlightTable {
  readonly buffer: SharedArrayBuffer;
  readonly #view: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #contexts: (RequestContext | undefined)[];
  readonly #free: Int32Array;
  #freeCount: number;

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
    const id = ctx.id;
    Atomics.add(view, base + SLOT.seq, 1);
    view[base + SLOT.idLow] = id % 0x1_0000_0000 | 0;
    view[base + SLOT.idHigh] = Math.floor(id / 0x1_0000_0000) | 0;
    view[base + SLOT.startedAt] = Math.round(ctx.startedAt) | 0;
    view[base + SLOT.textLength] = this.#writeText(base + SLOT.text, ctx.method, ctx.url);
    view[base + SLOT.outLength] = 0;
    Atomics.add(view, base + SLOT.seq, 1);
    return slot;
  }

  /** Removes the request in `slot` (from {@link enter}; -1 is ignored). */
  leave(slot: number): void {
    if (slot < 0) return;
    const base = HEADER_INTS + slot * SLOT_INTS;
    // A zero id frees the slot; no sequence lock is needed to say "nothing here".
    Atomics.store(this.#view, base + SLOT.idLow, 0);
    this.#view[base + SLOT.idHigh] = 0;
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

  /** Writes `first second` as Latin-1 bytes at an Int32 index; returns the byte length. */
  #writeText(intIndex: number, first: string, second: string): number {
    const bytes = this.#bytes;
    const start = intIndex * Int32Array.BYTES_PER_ELEMENT;
    let length = 0;
    for (let i = 0; i < first.length && length < TEXT_BYTES; i++) bytes[start + length++] = latin1Byte(first.charCodeAt(i));
    if (length < TEXT_BYTES) bytes[start + length++] = 32;
    for (let i = 0; i < second.length && length < TEXT_BYTES; i++) bytes[start + length++] = latin1Byte(second.charCodeAt(i));
    return length;
  }
}

function latin1Byte(code: number): number {
  // Control characters too: the watchdog prints these texts to a terminal.
  return code < 32 || (code >= 127 && code < 160) || code > 255 ? QUESTION_MARK : code;
}

let table: InFlightTable | undefined;

/** The process's in-flight table (created on first use). */
export function inFlightTable(): InFlightTable {
  return (table ??= new InFlightTable());
}
