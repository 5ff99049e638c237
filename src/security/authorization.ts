import type { Request } from "../request.js";

/**
 * Splits an `Authorization` header into its scheme and credentials at the first space
 * (`"Bearer abc"` → `["Bearer", "abc"]`), trimming the credentials as FastAPI does. A missing
 * header gives two empty strings.
 *
 * @example
 * authorizationParts("Basic dXNlcjpwdw==") // ["Basic", "dXNlcjpwdw=="]
 */
export function authorizationParts(header: string | undefined): [scheme: string, credentials: string] {
  if (!header) return ["", ""];
  const space = header.indexOf(" ");
  if (space === -1) return [header, ""];
  return [header.slice(0, space), header.slice(space + 1).trim()];
}

/** The first value of a request header (the TestClient may hand over repeated values as a list). */
export function headerValue(req: Request, name: string): string | undefined {
  const value: unknown = req.headers[name];
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : undefined;
  return typeof value === "string" ? value : undefined;
}
