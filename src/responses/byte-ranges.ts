/** An inclusive byte range of a representation. */
export interface ByteRange {
  start: number;
  end: number;
}

/** How to answer a `Range` header (RFC 9110 §14). */
export type RangeDecision =
  | { kind: "ignore" }
  | { kind: "unsatisfiable" }
  | { kind: "ranges"; ranges: ByteRange[] };

/** More ranges than this in one header is more likely an attack than a client: send it all. */
export const MAX_RANGES = 100;

const RANGE_SPEC = /^(\d*)-(\d*)$/;

/**
 * Decides what a `Range` header asks of a representation of `size` bytes. Following RFC 9110, a
 * header that is malformed, in another unit, or absurdly long is ignored (the whole
 * representation is sent); one whose every range starts past the end is unsatisfiable (416).
 * Numbers too large for a double still compare correctly (an end past the size is clamped), and
 * overlapping or adjacent ranges are merged so a client cannot ask for the same bytes many times.
 *
 * @example
 * decideRange("bytes=0-99, -100", 1000) // { kind: "ranges", ranges: [{ start: 0, end: 99 }, { start: 900, end: 999 }] }
 * decideRange("bytes=2000-", 1000)       // { kind: "unsatisfiable" }
 */
export function decideRange(header: string, size: number): RangeDecision {
  const eq = header.indexOf("=");
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== "bytes") return { kind: "ignore" };
  const specs = header.slice(eq + 1).split(",");
  if (specs.length > MAX_RANGES) return { kind: "ignore" };
  const ranges: ByteRange[] = [];
  let sawRange = false;
  for (const raw of specs) {
    const spec = raw.trim();
    if (spec === "") continue;
    const match = RANGE_SPEC.exec(spec);
    if (!match || (match[1] === "" && match[2] === "")) return { kind: "ignore" };
    sawRange = true;
    const [, first, last] = match as unknown as [string, string, string];
    if (first === "") {
      const suffix = Number(last);
      if (suffix > 0 && size > 0) ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(first);
    if (last !== "" && Number(last) < start) return { kind: "ignore" };
    if (start >= size) continue;
    ranges.push({ start, end: last === "" ? size - 1 : Math.min(Number(last), size - 1) });
  }
  if (!sawRange) return { kind: "ignore" };
  if (ranges.length === 0) return { kind: "unsatisfiable" };
  return { kind: "ranges", ranges: coalesce(ranges) };
}

function coalesce(ranges: ByteRange[]): ByteRange[] {
  if (ranges.length === 1) return ranges;
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: ByteRange[] = [{ ...sorted[0]! }];
  for (const range of sorted.slice(1)) {
    const last = merged[merged.length - 1]!;
    if (range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}
