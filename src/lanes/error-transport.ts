import { HTTPException } from "../errors/http-exception.js";
import { RequestValidationError, ResponseValidationError } from "../errors/validation-error.js";
import type { ValidationIssue } from "../schema/types.js";
import { ThreadLaneError } from "./lane-errors.js";

/** An error as plain data, so it can cross threads and be rebuilt as the same kind of error. */
export type EncodedError =
  | { type: "http"; status: number; detail: unknown; headers: Record<string, string> | undefined }
  | { type: "request-validation"; issues: ValidationIssue[] }
  | { type: "response-validation"; route: string; issues: ValidationIssue[] }
  | { type: "error"; name: string; message: string; stack: string | undefined };

function plain<T>(value: T): T {
  // Details and issue inputs are user data: keep what survives JSON, as the response would.
  try {
    return JSON.parse(JSON.stringify(value) ?? "null") as T;
  } catch {
    return String(value) as T;
  }
}

/**
 * Turns a thrown value into plain data. HTTP and validation errors keep what their response is
 * made of; anything else keeps its name, message and stack.
 *
 * @example
 * encodeError(new HTTPException(404, "Item not found")); // { type: "http", status: 404, ... }
 */
export function encodeError(error: unknown): EncodedError {
  if (error instanceof HTTPException) {
    return { type: "http", status: error.status, detail: plain(error.detail), headers: error.headers && { ...error.headers } };
  }
  if (error instanceof RequestValidationError) return { type: "request-validation", issues: plain(error.issues) };
  if (error instanceof ResponseValidationError) return { type: "response-validation", route: error.route, issues: plain(error.issues) };
  if (error instanceof Error) return { type: "error", name: error.name, message: error.message, stack: error.stack };
  return { type: "error", name: "NonError", message: `a non-Error value was thrown: ${safeString(error)}`, stack: undefined };
}

/**
 * Rebuilds an error from {@link encodeError}'s data: an `HTTPException`, a validation error, or a
 * {@link ThreadLaneError} carrying the original name, message and stack.
 *
 * @example
 * throw decodeError(reply.error);
 */
export function decodeError(encoded: EncodedError): Error {
  switch (encoded.type) {
    case "http":
      return new HTTPException(encoded.status, encoded.detail, encoded.headers);
    case "request-validation":
      return new RequestValidationError(encoded.issues);
    case "response-validation":
      return new ResponseValidationError(encoded.route, encoded.issues);
    case "error":
      return new ThreadLaneError(encoded.name, encoded.message, encoded.stack);
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
