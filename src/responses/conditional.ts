/** What identifies one version of a file: for validators (ETag, Last-Modified). */
export interface FileVersion {
  size: number;
  mtimeMs: number;
}

/** A strong entity tag from the file's size and modification time. */
export function fileEtag(version: FileVersion): string {
  return `"${Math.floor(version.mtimeMs * 1000).toString(16)}-${version.size.toString(16)}"`;
}

/** The `Last-Modified` value (HTTP dates have one-second precision). */
export function httpDate(mtimeMs: number): string {
  return new Date(mtimeMs).toUTCString();
}

function opaque(tag: string): string {
  return tag.startsWith("W/") ? tag.slice(2) : tag;
}

/**
 * Whether a GET may be answered 304 (RFC 9110 §13.1): `If-None-Match` compared weakly when
 * present, else `If-Modified-Since` against the modification time in whole seconds.
 */
export function isNotModified(headers: Readonly<Record<string, string | string[] | undefined>>, etag: string, mtimeMs: number): boolean {
  const ifNoneMatch = headers["if-none-match"];
  if (typeof ifNoneMatch === "string") {
    const wanted = opaque(etag);
    return ifNoneMatch.split(",").some((candidate) => {
      const tag = candidate.trim();
      return tag === "*" || opaque(tag) === wanted;
    });
  }
  const ifModifiedSince = headers["if-modified-since"];
  if (typeof ifModifiedSince === "string") {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
  }
  return false;
}

/**
 * Whether `If-Range` allows a partial response: an entity tag must match strongly, a date
 * exactly; absent means yes. Otherwise the client's cached copy is stale and gets the whole file.
 */
export function ifRangeAllows(ifRange: string | string[] | undefined, etag: string, mtimeMs: number): boolean {
  if (ifRange === undefined) return true;
  if (typeof ifRange !== "string") return false;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return value === etag;
  const date = Date.parse(value);
  return !Number.isNaN(date) && date === Math.floor(mtimeMs / 1000) * 1000;
}
