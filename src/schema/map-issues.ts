import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { ValidationIssue } from "./types.js";
import { missingIssue, valueErrorIssue, type IssueScope } from "./issue.js";
import { hasEntry, segmentKey, valueAt } from "./value-path.js";
import { mapZodIssue, type ZodIssue } from "./zod-issues.js";
import type { ZodNode } from "./zod-node.js";

/**
 * Translates a Standard Schema failure into pydantic-shaped issues, appended to `out`.
 * zod issues get pydantic's exact error types; other libraries' issues become `missing` when
 * their path names an absent key (what such an issue means in practice) and `value_error` with
 * the library's message otherwise.
 *
 * @param zodRoot the schema when it is zod v4 (to read node kinds), else undefined.
 * @example
 * const out: ValidationIssue[] = [];
 * mapIssues(result.issues, Item, { loc: ["body"], input: body }, out);
 */
export function mapIssues(
  issues: readonly StandardSchemaV1.Issue[],
  zodRoot: ZodNode | undefined,
  scope: IssueScope,
  out: ValidationIssue[],
): void {
  for (const issue of issues) {
    if (zodRoot !== undefined && typeof (issue as ZodIssue).code === "string") {
      mapZodIssue(issue as ZodIssue, zodRoot, [], scope, out);
      continue;
    }
    const path = (issue.path ?? []).map(segmentKey);
    const parent = valueAt(scope.input, path, path.length - 1);
    const absent = path.length === 0 ? scope.input === undefined : !hasEntry(parent, path[path.length - 1]!);
    if (absent) out.push(missingIssue(scope, path, parent));
    else out.push(valueErrorIssue(scope, path, issue.message, valueAt(scope.input, path)));
  }
}
