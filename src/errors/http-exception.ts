import { STATUS_CODES } from "node:http";

/**
 * Raise to send an HTTP error: the body is `{"detail": detail}` (any JSON value), as in FastAPI.
 *
 * @example
 * if (!item) throw new HTTPException(404, "Item not found");
 * throw new HTTPException(401, "Not authenticated", { "WWW-Authenticate": "Bearer" });
 */
export class HTTPException extends Error {
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, detail?: unknown, headers?: Record<string, string>) {
    const text = detail ?? STATUS_CODES[status] ?? "Error";
    super(typeof text === "string" ? text : JSON.stringify(text));
    this.name = "HTTPException";
    this.status = status;
    this.detail = text;
    this.headers = headers;
  }
}
