import { LANE, ROUTE_NAME_BYTES } from "./shared-layout.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });
const READ_ATTEMPTS = 4;

/** The method and route a thread lane is running, as its worker wrote them. */
export interface LaneRoute {
  method: string;
  route: string;
}

/** Byte view of a lane's route name area. */
export function routeBytesView(buffer: SharedArrayBuffer, base: number): Uint8Array {
  return new Uint8Array(buffer, (base + LANE.routeBytes) * Int32Array.BYTES_PER_ELEMENT, ROUTE_NAME_BYTES);
}

/**
 * Writes `method \n route` into the lane, inside a seqlock so a reader on another thread never
 * takes half of an old name and half of a new one. Names longer than the area are cut at a
 * character boundary.
 */
export function writeLaneRoute(view: Int32Array, bytes: Uint8Array, base: number, name: LaneRoute): void {
  Atomics.add(view, base + LANE.routeSeq, 1);
  const { written } = encoder.encodeInto(`${name.method}\n${name.route}`, bytes);
  Atomics.store(view, base + LANE.routeLength, written);
  Atomics.add(view, base + LANE.routeSeq, 1);
}

/** Reads what {@link writeLaneRoute} wrote; null if the writer kept changing it. */
export function readLaneRoute(view: Int32Array, bytes: Uint8Array, base: number): LaneRoute | null {
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    const before = Atomics.load(view, base + LANE.routeSeq);
    if (before % 2 !== 0) continue;
    const length = Math.min(Math.max(Atomics.load(view, base + LANE.routeLength), 0), bytes.length);
    const copy = bytes.slice(0, length);
    if (Atomics.load(view, base + LANE.routeSeq) !== before) continue;
    const text = decoder.decode(copy);
    const newline = text.indexOf("\n");
    return newline < 0 ? { method: "", route: text } : { method: text.slice(0, newline), route: text.slice(newline + 1) };
  }
  return null;
}
