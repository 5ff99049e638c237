import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Schema, ValidationIssue, Validated } from "./types.js";
import { mapIssues } from "./map-issues.js";
import { isZodSchema, type ZodNode } from "./zod-node.js";

/** A compiled validator for a route's JSON body. */
export interface BodyValidator<T = unknown> {
  /**
   * Validates a parsed JSON body (`undefined` when the request had none). Values are not coerced:
   * JSON has types. Returns synchronously unless the schema validated asynchronously.
   */
  validate(value: unknown): Validated<T> | Promise<Validated<T>>;
}

const BODY_LOC = ["body"] as const;

class CompiledBody implements BodyValidator {
  readonly #standard: StandardSchemaV1.Props<unknown, unknown>;
  readonly #zod: ZodNode | undefined;

  constructor(schema: Schema) {
    this.#standard = schema["~standard"];
    this.#zod = isZodSchema(schema) ? schema : undefined;
  }

  validate(value: unknown): Validated<unknown> | Promise<Validated<unknown>> {
    const result = this.#standard.validate(value);
    if (result instanceof Promise) return result.then((settled) => this.#toValidated(settled, value));
    return this.#toValidated(result, value);
  }

  #toValidated(result: StandardSchemaV1.Result<unknown>, value: unknown): Validated<unknown> {
    if (!result.issues) return { ok: true, value: result.value };
    const issues: ValidationIssue[] = [];
    mapIssues(result.issues, this.#zod, { loc: BODY_LOC, input: value }, issues);
    return { ok: false, issues };
  }
}

class UncheckedBody implements BodyValidator {
  validate(value: unknown): Validated<unknown> {
    return { ok: true, value };
  }
}

/**
 * Compiles a body schema into a validator, once, at route registration. Errors carry FastAPI's
 * `loc` (`["body", "price"]`); a missing field's `input` is the object it is missing from, and an
 * absent required body is `{type: "missing", loc: ["body"], input: null}`. Without a schema the
 * body passes through as parsed.
 *
 * @example
 * const body = compileBody(z.object({ name: z.string(), price: z.number() }));
 * body.validate({ name: "Foo" })
 * // { ok: false, issues: [{ type: "missing", loc: ["body", "price"], msg: "Field required", input: { name: "Foo" } }] }
 */
export function compileBody<S extends Schema | undefined>(schema: S): BodyValidator<S extends Schema<any, infer O> ? O : unknown> {
  return (schema ? new CompiledBody(schema) : new UncheckedBody()) as BodyValidator<any>;
}
