import type { StandardSchemaV1 } from "@standard-schema/spec";

/**
 * Any Standard Schema (zod v4, valibot, arktype, ...). loopwise reads values through
 * `schema["~standard"].validate`, and reads zod internals only to give pydantic-compatible
 * error types and to export JSON Schema.
 */
export type Schema<Input = unknown, Output = Input> = StandardSchemaV1<Input, Output>;

/** The validated (output) type of a schema. */
export type Infer<S> = S extends StandardSchemaV1<any, infer O> ? O : never;

/** A map of parameter name to schema, as declared for one location (`query: { q: z.string() }`). */
export type Shape = Record<string, Schema>;

/** The validated object type of a {@link Shape}: optional schemas become optional keys. */
export type InferShape<S extends Shape | undefined> = S extends Shape
  ? { [K in keyof S as undefined extends Infer<S[K]> ? never : K]: Infer<S[K]> } & {
      [K in keyof S as undefined extends Infer<S[K]> ? K : never]?: Infer<S[K]>;
    }
  : {};

/** Where a request parameter is read from; the first element of every error `loc`. */
export type ParamLocation = "path" | "query" | "header" | "cookie" | "body" | "form";

/**
 * One validation error, in FastAPI / pydantic v2's shape.
 *
 * @example
 * { type: "int_parsing", loc: ["path", "item_id"],
 *   msg: "Input should be a valid integer, unable to parse string as an integer", input: "item1" }
 */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** The result of a compiled validator: a value, or every issue found. */
export type Validated<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };
