import type { ValidationIssue } from "../schema/types.js";

/**
 * The request's parameters failed validation. The default handler answers 422 with
 * `{"detail": issues}`; register a handler for this class to answer differently.
 *
 * @example
 * app.exceptionHandler(RequestValidationError, (req, err) =>
 *   new JSONResponse({ errors: err.issues.length }, { status: 400 }));
 */
export class RequestValidationError extends Error {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    super(`${issues.length} validation error${issues.length === 1 ? "" : "s"}`);
    this.name = "RequestValidationError";
    this.issues = issues;
  }
}

/** A handler's return value failed its `response` schema: a bug on the server, answered with 500. */
export class ResponseValidationError extends Error {
  readonly issues: ValidationIssue[];
  readonly route: string;
  constructor(route: string, issues: ValidationIssue[]) {
    super(`Response of ${route} failed its response schema: ${JSON.stringify(issues)}`);
    this.name = "ResponseValidationError";
    this.issues = issues;
    this.route = route;
  }
}
