import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Schema } from "../schema/types.js";
import { TaskValidationError, type TaskIssue } from "./errors.js";

function issuesOf(result: StandardSchemaV1.FailureResult): TaskIssue[] {
  return result.issues.map((issue) => ({
    path: (issue.path ?? []).map((segment) => {
      const key = typeof segment === "object" && segment !== null ? segment.key : segment;
      return typeof key === "number" ? key : String(key);
    }),
    message: issue.message,
  }));
}

/**
 * Validates `value` against a task's Standard Schema (zod, valibot, arktype...) and resolves
 * with the schema's output, or throws {@link TaskValidationError}. Without a schema the value
 * passes as it is.
 *
 * @example
 * await validateTaskValue(z.tuple([z.string().email()]), ["a@b.c"], "task send", "arguments");
 */
export async function validateTaskValue(schema: Schema | undefined, value: unknown, what: string, part: "arguments" | "result"): Promise<unknown> {
  if (!schema) return value;
  const result = await schema["~standard"].validate(value);
  if (result.issues) throw new TaskValidationError(what, part, issuesOf(result));
  return result.value;
}
