import type { ValidationIssue } from "./types.js";

/** Where the issues of one validation run are reported, and what their paths index into. */
export interface IssueScope {
  /** The `loc` prefix: `["body"]`, `["query", "q"]`, `["response"]`. */
  readonly loc: readonly (string | number)[];
  /** The value the issue paths index into, to report each issue's `input`. */
  readonly input: unknown;
}

/**
 * Builds one pydantic-shaped issue. Keys are created in FastAPI's order (type, loc, msg, input,
 * ctx) so that serialized 422 bodies read the same.
 */
export function makeIssue(
  type: string,
  scope: IssueScope,
  path: readonly (string | number)[],
  msg: string,
  input: unknown,
  ctx?: Record<string, unknown>,
): ValidationIssue {
  const issue: ValidationIssue = { type, loc: [...scope.loc, ...path], msg, input: input === undefined ? null : input };
  if (ctx !== undefined) issue.ctx = ctx;
  return issue;
}

/** pydantic's `missing`, whose input is the object the field is missing from (None at the top). */
export function missingIssue(scope: IssueScope, path: readonly (string | number)[], parent: unknown): ValidationIssue {
  return makeIssue("missing", scope, path, "Field required", path.length === 0 ? null : parent);
}

/**
 * pydantic's `value_error` for a failed custom check. FastAPI serializes the exception object
 * pydantic keeps in `ctx.error` as `{}`; this does the same so 422 bodies compare equal.
 */
export function valueErrorIssue(scope: IssueScope, path: readonly (string | number)[], message: string, input: unknown): ValidationIssue {
  return makeIssue("value_error", scope, path, `Value error, ${message}`, input, { error: {} });
}
