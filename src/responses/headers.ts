/** Response headers: lowercase names; an array value sends the header once per item. */
export type HeaderMap = Record<string, string | string[]>;

/** Normalizes user-given headers (any case, numbers) into a {@link HeaderMap}. */
export function toHeaderMap(input: Record<string, string | number | readonly string[]> | undefined): HeaderMap {
  const headers: HeaderMap = {};
  if (!input) return headers;
  for (const name in input) {
    const value = input[name]!;
    headers[name.toLowerCase()] = Array.isArray(value) ? [...value] : String(value);
  }
  return headers;
}

/** Adds a value to a header that may repeat (Set-Cookie, Vary, ...). */
export function appendHeader(headers: HeaderMap, name: string, value: string): void {
  const key = name.toLowerCase();
  const existing = headers[key];
  if (existing === undefined) headers[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else headers[key] = [existing, value];
}
