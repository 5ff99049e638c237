import assert from "node:assert/strict";
import type { ValidationIssue, Validated } from "../../src/schema/index.js";

/** The issues of a synchronous failed validation (fails the test otherwise). */
export function issuesOf<T>(result: Validated<T> | Promise<Validated<T>>): ValidationIssue[] {
  assert.ok(!(result instanceof Promise), "expected a synchronous result");
  assert.equal(result.ok, false, `expected a failure, got ${JSON.stringify(result)}`);
  return (result as { issues: ValidationIssue[] }).issues;
}

/** The value of a synchronous successful validation (fails the test otherwise). */
export function valueOf<T>(result: Validated<T> | Promise<Validated<T>>): T {
  assert.ok(!(result instanceof Promise), "expected a synchronous result");
  assert.equal(result.ok, true, `expected success, got ${JSON.stringify(result)}`);
  return (result as { value: T }).value;
}

/** A null-prototype object, as Node's querystring parser returns. */
export function queryOf(entries: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.assign(Object.create(null) as Record<string, string | string[]>, entries);
}
