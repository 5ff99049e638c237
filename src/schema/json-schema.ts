import { z } from "zod";
import type { StandardJSONSchemaV1 } from "@standard-schema/spec";
import type { Schema } from "./types.js";
import { isZodSchema } from "./zod-node.js";

/**
 * A JSON Schema (draft 2020-12) document or sub-schema. The keywords loopwise reads are typed;
 * any other keyword is kept as is. Values returned by {@link toJsonSchema} are cached and shared:
 * treat them as read-only (copy before changing one).
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: boolean | JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  nullable?: boolean;
  format?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  [keyword: string]: unknown;
}

const caches = { input: new WeakMap<object, JsonSchema>(), output: new WeakMap<object, JsonSchema>() };

/**
 * The JSON Schema of a Standard Schema, for OpenAPI and for deciding how request strings are
 * coerced. zod v4 schemas go through `z.toJSONSchema` (types JSON cannot express become `{}`);
 * other libraries through the Standard JSON Schema interface when they implement it; anything
 * else is `{}` (accepts anything). The result is cached per schema object.
 *
 * @param io `"input"` describes what the schema accepts (request parameters and bodies),
 *   `"output"` what it produces (responses: defaults filled in, transforms applied).
 * @example
 * toJsonSchema(z.object({ name: z.string(), tags: z.array(z.string()).default([]) }))
 * // { type: "object", properties: { name: { type: "string" }, tags: { default: [], type: "array",
 * //   items: { type: "string" } } }, required: ["name", "tags"], additionalProperties: false }
 */
export function toJsonSchema(schema: Schema, io: "input" | "output" = "output"): JsonSchema {
  const cache = caches[io];
  let found = cache.get(schema);
  if (found === undefined) {
    found = convert(schema, io);
    cache.set(schema, found);
  }
  return found;
}

function convert(schema: Schema, io: "input" | "output"): JsonSchema {
  try {
    if (isZodSchema(schema)) {
      const { $schema: _dialect, ...rest } = z.toJSONSchema(schema as unknown as z.ZodType, { io, unrepresentable: "any" });
      return rest as JsonSchema;
    }
    const converter = (schema as unknown as Partial<StandardJSONSchemaV1>)["~standard"]?.jsonSchema;
    const converted = converter?.[io]?.({ target: "draft-2020-12" });
    if (converted === null || typeof converted !== "object") return {};
    const { $schema: _dialect, ...rest } = converted;
    return rest as JsonSchema;
  } catch {
    // A library may throw for a type it cannot express; an unconstrained schema is the honest answer.
    return {};
  }
}
