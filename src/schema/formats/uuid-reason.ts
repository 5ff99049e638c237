/**
 * Why a string is not a UUID, in the words pydantic reports (those of Rust's `uuid` crate, which
 * pydantic-core parses with), or undefined when that parser would accept it.
 *
 * @example
 * uuidParseError("invalid-uuid")
 * // "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `i` at 1"
 */
export function uuidParseError(input: string): string | undefined {
  let body = input;
  let offset = 0;
  let simple = true;
  if (input.length >= 2 && input.startsWith("{") && input.endsWith("}")) {
    body = input.slice(1, -1);
    offset = 1;
    simple = false;
  } else if (input.startsWith("urn:uuid:")) {
    body = input.slice(9);
    offset = 9;
    simple = false;
  }
  let hyphens = 0;
  const groupEnds = [0, 0, 0, 0];
  // Positions are 1-based byte offsets; every character before the first bad one is ASCII, so
  // the string index is the byte offset.
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (code === 0x2d) {
      if (hyphens < 4) groupEnds[hyphens] = i;
      hyphens++;
    } else if (!isHexDigit(code)) {
      const character = String.fromCodePoint(body.codePointAt(i)!);
      return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${character}\` at ${i + offset + 1}`;
    }
  }
  if (hyphens === 0 && simple) {
    return input.length === 32 ? undefined : `invalid length: expected length 32 for simple format, found ${input.length}`;
  }
  if (hyphens !== 4) return `invalid group count: expected 5, found ${hyphens + 1}`;
  const starts = [0, 9, 14, 19, 24];
  const lengths = [8, 4, 4, 4, 12];
  for (let group = 0; group < 4; group++) {
    if (groupEnds[group] !== starts[group + 1]! - 1) {
      return `invalid group length in group ${group}: expected ${lengths[group]}, found ${groupEnds[group]! - starts[group]!}`;
    }
  }
  const last = body.length - starts[4]!;
  return last === 12 ? undefined : `invalid group length in group 4: expected 12, found ${last}`;
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}
