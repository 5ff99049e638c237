/** Reads the value an error's path points at, for the `input` of pydantic-style errors. */

/** A path segment as Standard Schema issues give it: a key, or `{ key }`. */
export type PathSegment = PropertyKey | { readonly key: PropertyKey };

/** The plain key of a path segment (numbers stay numbers, symbols become strings). */
export function segmentKey(segment: PathSegment): string | number {
  const key = typeof segment === "object" && segment !== null ? segment.key : segment;
  return typeof key === "symbol" ? key.toString() : key;
}

/** Whether `container` holds `key` as its own entry (inherited properties do not count). */
export function hasEntry(container: unknown, key: string | number): boolean {
  if (container === null || typeof container !== "object") return false;
  return Object.hasOwn(container, key);
}

/**
 * The value at `path` inside `root`, reading own properties only, or undefined when the path
 * leaves the value.
 *
 * @example
 * valueAt({ items: [{ n: 1 }] }, ["items", 0, "n"]) // 1
 */
export function valueAt(root: unknown, path: readonly (string | number)[], length = path.length): unknown {
  let value = root;
  for (let i = 0; i < length; i++) {
    const key = path[i]!;
    if (!hasEntry(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}
