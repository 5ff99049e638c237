/**
 * The in-flight request table as the watchdog thread reads it: a `SharedArrayBuffer` the main
 * thread writes at each request's start and end and at each outbound call, so a report about a
 * loop that never comes back can still list what was being served (aiomonitor's `ps`).
 *
 *   header (Float64 clock epoch, slot count, overflow) | slot 0 | slot 1 | ...
 *
 * Each slot is written by the main thread only. A request's fields are written while the slot's
 * `generation` is 0 (empty) and published by one store of a new, never-zero generation (a plain
 * store on x86-64, whose stores become visible in program order; `Atomics.store` elsewhere);
 * leaving stores 0 again. A reader takes a slot only if its generation was the same non-zero value
 * before and after reading the fields, so a slot emptied or reused under it is skipped or re-read.
 * No sequence lock per request: `Atomics` calls are not inlined by V8's optimizing compiler, and a
 * sequence lock's two increments cost more than the rest of the entry together. The outbound call
 * of a slot changes while the request stays listed, so it keeps a sequence lock of its own.
 * Texts are Latin-1 bytes, cut to fit; a common method is a number, not text.
 */

import { readSplitId } from "./shared-layout.js";

export const HEADER_INTS = 4;
export const HEADER = {
  /** Float64 at byte 0: add to a main-thread `performance.now()` to get `monotonicMs()`. */
  epochFloat: 0,
  slotCount: 2,
  /** Requests that found no free slot (counted, not listed). */
  overflow: 3,
} as const;

export const SLOT = {
  /** 0 while the slot is empty or being written; a new non-zero value each time a request is published. */
  generation: 0,
  /** The request id, low and high 32 bits (adjacent: see writeSplitId). */
  idLow: 1,
  idHigh: 2,
  /** `Math.round(performance.now())` of the main thread at arrival. */
  startedAt: 3,
  textLength: 4,
  /** 1 + index in {@link KNOWN_METHODS}, and `text` holds the URL alone; 0: `text` is `METHOD url`. */
  method: 5,
  outSeq: 6,
  outLength: 7,
  outStartedAt: 8,
  text: 9,
  out: 9 + 24,
} as const;
/** Methods written as a number rather than copied as text each request (a store instead of a loop). */
export const KNOWN_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
export const TEXT_BYTES = 96;
export const SLOT_INTS = SLOT.out + TEXT_BYTES / 4;

/** Bytes of a table with `slots` slots. */
export function inFlightBufferSize(slots: number): number {
  return (HEADER_INTS + slots * SLOT_INTS) * Int32Array.BYTES_PER_ELEMENT;
}

/** One request in flight, as the watchdog thread sees it. */
export interface InFlightRequest {
  id: number;
  /** `METHOD /url`, the URL (or for an unusual method, the whole line) cut at 96 bytes. */
  request: string;
  /** Milliseconds since it arrived. */
  ageMs: number;
  /** The outbound call it waits for (`GET http://host/path`), with how long it has waited. */
  outbound?: { call: string; waitingMs: number };
}

const READ_ATTEMPTS = 4;

/**
 * Lists the requests in flight, oldest first, from any thread. `now` is `monotonicMs()` of the
 * caller (the same clock on every thread).
 */
export function readInFlight(buffer: SharedArrayBuffer, now: number, limit = 64): InFlightRequest[] {
  const view = new Int32Array(buffer);
  const epoch = new Float64Array(buffer, 0, 1)[0]!;
  const bytes = new Uint8Array(buffer);
  const slots = Atomics.load(view, HEADER.slotCount);
  const found: InFlightRequest[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const entry = readSlot(view, bytes, HEADER_INTS + slot * SLOT_INTS, epoch, now);
    if (entry !== null) found.push(entry);
  }
  found.sort((a, b) => b.ageMs - a.ageMs);
  return found.slice(0, limit);
}

function readSlot(view: Int32Array, bytes: Uint8Array, base: number, epoch: number, now: number): InFlightRequest | null {
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    const generation = Atomics.load(view, base + SLOT.generation);
    if (generation === 0) return null;
    const id = readSplitId(view, base + SLOT.idLow);
    const startedAt = epoch + Atomics.load(view, base + SLOT.startedAt);
    const method = KNOWN_METHODS[Atomics.load(view, base + SLOT.method) - 1];
    const text = latin1(bytes, base + SLOT.text, Atomics.load(view, base + SLOT.textLength));
    const request = method === undefined ? text : `${method} ${text}`;
    const outbound = readOutbound(view, bytes, base, epoch, now);
    if (Atomics.load(view, base + SLOT.generation) !== generation) continue;
    const entry: InFlightRequest = { id, request, ageMs: Math.max(0, Math.round(now - startedAt)) };
    if (outbound !== null) entry.outbound = outbound;
    return entry;
  }
  return null;
}

function readOutbound(view: Int32Array, bytes: Uint8Array, base: number, epoch: number, now: number): InFlightRequest["outbound"] | null {
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    const seq = Atomics.load(view, base + SLOT.outSeq);
    if (seq % 2 !== 0) continue;
    const length = Atomics.load(view, base + SLOT.outLength);
    if (length === 0) return null;
    const call = latin1(bytes, base + SLOT.out, length);
    const startedAt = epoch + Atomics.load(view, base + SLOT.outStartedAt);
    if (Atomics.load(view, base + SLOT.outSeq) !== seq) continue;
    return { call, waitingMs: Math.max(0, Math.round(now - startedAt)) };
  }
  return null;
}

/** Written in place of a control character: these texts end up on a terminal. */
const QUESTION_MARK = 63;

/**
 * The text of a slot. The main thread copies texts in raw (a native Latin-1 write, which keeps
 * the low byte of any wider character), so control characters are replaced here, off the hot path.
 */
function latin1(bytes: Uint8Array, intIndex: number, length: number): string {
  const start = intIndex * Int32Array.BYTES_PER_ELEMENT;
  const count = Math.min(Math.max(length, 0), TEXT_BYTES);
  let text = "";
  for (let i = 0; i < count; i++) {
    const byte = bytes[start + i]!;
    text += String.fromCharCode(byte < 32 || (byte >= 127 && byte < 160) ? QUESTION_MARK : byte);
  }
  return text;
}
