import type { ValidationIssue } from "./types.js";

/**
 * FastAPI's error for a body that is not valid JSON: `loc` is `["body", position]` (the character
 * offset where parsing failed), `ctx.error` the parser's complaint, `input` `{}` unless given.
 *
 * @example
 * jsonInvalid(1, "Expecting value")
 * // { type: "json_invalid", loc: ["body", 1], msg: "JSON decode error", input: {}, ctx: { error: "Expecting value" } }
 */
export function jsonInvalid(position: number, message: string, input?: unknown): ValidationIssue {
  return { type: "json_invalid", loc: ["body", position], msg: "JSON decode error", input: input ?? {}, ctx: { error: message } };
}
