import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Schema, ValidationIssue, Validated } from "./types.js";
import { toJsonSchema } from "./json-schema.js";
import { mapIssues } from "./map-issues.js";
import { compileSerializer, type Serializer } from "./serializer.js";
import { isZodSchema, type ZodNode } from "./zod-node.js";

/** A route's response schema, compiled: validation that fills defaults and drops unknown keys, then serialization. */
export interface ResponseCompiler<T = unknown> {
  /**
   * Validates a handler's return value and returns the schema's output (defaults applied,
   * unknown object keys removed by zod's default `strip`). Errors have `loc` `["response", ...]`.
   * Response schemas must validate synchronously: an async refinement throws a TypeError.
   */
  validate(value: unknown): Validated<T>;
  /** JSON text of a value `validate` returned; identical to `JSON.stringify` of it. */
  serialize(value: T): string;
}

const RESPONSE_LOC = ["response"] as const;

/**
 * Whether responses use generated serializers: yes. In isolation (bench/micro/serializer.ts)
 * JSON.stringify looks as fast once the text is encoded, but inside a serving process it is not:
 * profiles of bench/micro/same-process.ts post put JSON.stringify of the Item at ~3 µs per
 * response and the generated serializer at ~1 µs, and two apps side by side in one process,
 * differing only in this, measured 67.1 vs 61.3 µs of CPU per request (median of 20 rounds).
 */
const USE_COMPILED_SERIALIZER = true;

/** JSON text as JSON.stringify writes it, with `null` for a value JSON cannot express (undefined). */
const stringify: Serializer = (value) => JSON.stringify(value) ?? "null";

class CompiledResponse implements ResponseCompiler {
  readonly #standard: StandardSchemaV1.Props<unknown, unknown>;
  readonly #zod: ZodNode | undefined;
  readonly serialize: Serializer;

  constructor(schema: Schema, serializer: Serializer) {
    this.#standard = schema["~standard"];
    this.#zod = isZodSchema(schema) ? schema : undefined;
    this.serialize = serializer;
  }

  validate(value: unknown): Validated<unknown> {
    const result = this.#standard.validate(value);
    if (result instanceof Promise) {
      result.catch(() => undefined);
      throw new TypeError("A response schema validated asynchronously (an async refinement?); response schemas must be synchronous");
    }
    if (!result.issues) return { ok: true, value: result.value };
    const issues: ValidationIssue[] = [];
    mapIssues(result.issues, this.#zod, { loc: RESPONSE_LOC, input: value }, issues);
    return { ok: false, issues };
  }
}

/**
 * Compiles a response schema once, at route registration: a validator, and a serializer
 * generated from the schema's output JSON Schema (falling back to `JSON.stringify` for what it
 * cannot specialise; see {@link USE_COMPILED_SERIALIZER}).
 *
 * @example
 * const response = compileResponse(z.object({ name: z.string(), tags: z.array(z.string()).default([]) }));
 * const checked = response.validate({ name: "Foo", secret: 1 });
 * if (checked.ok) response.serialize(checked.value) // '{"name":"Foo","tags":[]}'
 */
export function compileResponse<S extends Schema>(schema: S): ResponseCompiler<S extends Schema<any, infer O> ? O : unknown> {
  const serializer = USE_COMPILED_SERIALIZER ? (compileSerializer(toJsonSchema(schema, "output")) ?? stringify) : stringify;
  return new CompiledResponse(schema, serializer) as ResponseCompiler<any>;
}

/**
 * The serializer of a route without a response schema: `JSON.stringify`, with `null` for
 * `undefined`.
 *
 * @example
 * compileNoSchemaSerializer()({ ok: true }) // '{"ok":true}'
 */
export function compileNoSchemaSerializer(): Serializer {
  return stringify;
}
