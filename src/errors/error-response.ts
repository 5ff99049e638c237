import { STATUS_CODES } from "node:http";
import type { ValidationIssue } from "../schema/types.js";
import { Response } from "../responses/response.js";

/**
 * How framework-made error bodies look: FastAPI's `{"detail": ...}`, or RFC 9457
 * `application/problem+json` with validation entries under `errors`.
 */
export type ErrorFormat = "fastapi" | "problem";

/** Builds the body of an error response in the app's format. */
export function errorResponse(
  format: ErrorFormat,
  status: number,
  detail: unknown,
  headers?: Record<string, string>,
  issues?: ValidationIssue[],
): Response {
  let body: string;
  let mediaType: string;
  if (format === "problem") {
    const problem: Record<string, unknown> = { type: "about:blank", title: STATUS_CODES[status] ?? "Error", status };
    if (issues) {
      problem["detail"] = `${issues.length} validation error${issues.length === 1 ? "" : "s"}`;
      problem["errors"] = issues;
    } else if (detail !== undefined) {
      problem["detail"] = detail;
    }
    body = JSON.stringify(problem);
    mediaType = "application/problem+json";
  } else {
    body = JSON.stringify({ detail: issues ?? detail });
    mediaType = "application/json";
  }
  const response = new Response(body, { status, headers });
  response.headers["content-type"] = mediaType;
  return response;
}
