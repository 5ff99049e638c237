import type { JsonSchema } from "./json-schema.js";

/** Turns a value into JSON text. */
export type Serializer = (value: unknown) => string;

/**
 * Compiles a JSON serializer specialised to an output JSON Schema: object keys are written from
 * a fixed list with pre-quoted names, strings without escapable characters are quoted directly,
 * numbers and booleans are formatted inline. Any value that does not have the declared type, and
 * any part of the schema that is not a plain type (`{}`, `$ref`, unions other than nullable,
 * tuples, open objects), goes through `JSON.stringify`, so the text is the same as
 * `JSON.stringify` gives for:
 * - every value whose objects have only the schema's keys, in the schema's order (what zod
 *   produces when it validates against the schema), and no key-dependent `toJSON`.
 *
 * Returns undefined when nothing in the schema can be specialised (then use `JSON.stringify`).
 *
 * @example
 * const serialize = compileSerializer({ type: "object", properties: { message: { type: "string" } },
 *   required: ["message"], additionalProperties: false });
 * serialize?.({ message: "hi" }) // '{"message":"hi"}'
 */
export function compileSerializer(schema: JsonSchema): Serializer | undefined {
  const generator = new Generator();
  const root = generator.expression(schema, "value", 0);
  if (root === FALLBACK_EXPRESSION("value")) return undefined;
  const source = `"use strict";
const fallback = JSON.stringify;
const needsEscape = /[\\u0000-\\u001f"\\\\\\ud800-\\udfff]/;
function quote(text) { return needsEscape.test(text) ? fallback(text) : '"' + text + '"'; }
${generator.functions.join("\n")}
return function serialize(value) { const text = ${root}; return text === undefined ? "null" : text; };`;
  return new Function(source)() as Serializer;
}

const FALLBACK_EXPRESSION = (variable: string): string => `fallback(${variable})`;
/** Beyond this many generated functions the rest of the schema is left to JSON.stringify. */
const MAX_FUNCTIONS = 256;
const MAX_DEPTH = 32;
/** Array index keys, which JavaScript enumerates before all other keys, in numeric order. */
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;

class Generator {
  readonly functions: string[] = [];

  /** A JS expression giving the JSON text (or undefined, as JSON.stringify would) of `variable`. */
  expression(schema: JsonSchema | boolean | undefined, variable: string, depth: number): string {
    const node = typeof schema === "object" && schema !== null ? withoutNull(schema) : undefined;
    const type = node ? singleType(node) : undefined;
    const v = variable;
    switch (type) {
      case "string":
        return `(typeof ${v} === "string" ? quote(${v}) : fallback(${v}))`;
      case "number":
      case "integer":
        return `(typeof ${v} === "number" ? (Number.isFinite(${v}) ? "" + ${v} : "null") : fallback(${v}))`;
      case "boolean":
        return `(${v} === true ? "true" : ${v} === false ? "false" : fallback(${v}))`;
      case "object": {
        const name = depth < MAX_DEPTH ? this.#object(node!, depth) : undefined;
        return name ? `${name}(${v})` : FALLBACK_EXPRESSION(v);
      }
      case "array": {
        const name = depth < MAX_DEPTH ? this.#array(node!, depth) : undefined;
        return name ? `${name}(${v})` : FALLBACK_EXPRESSION(v);
      }
      default:
        return FALLBACK_EXPRESSION(v);
    }
  }

  #object(node: JsonSchema, depth: number): string | undefined {
    const properties = node.properties;
    // An open object may carry keys the schema does not list: only JSON.stringify knows them.
    if (node.additionalProperties !== false || node.patternProperties !== undefined) return undefined;
    if (properties === null || typeof properties !== "object" || this.functions.length >= MAX_FUNCTIONS) return undefined;
    const keys = Object.keys(properties);
    if (keys.includes("__proto__")) return undefined;
    const index = this.functions.push("") - 1;
    const name = `object${index}`;
    const lines = [
      `function ${name}(o) {`,
      `  if (typeof o !== "object" || o === null || Array.isArray(o) || typeof o.toJSON === "function") return fallback(o);`,
      `  let s = "{", v, t;`,
    ];
    for (const key of enumerationOrder(keys)) {
      const quoted = JSON.stringify(key);
      lines.push(
        `  v = o[${quoted}];`,
        `  if (v !== undefined) { t = ${this.expression(properties[key], "v", depth + 1)}; ` +
          `if (t !== undefined) s += (s.length > 1 ? ${JSON.stringify(`,${quoted}:`)} : ${JSON.stringify(`${quoted}:`)}) + t; }`,
      );
    }
    lines.push(`  return s + "}";`, `}`);
    this.functions[index] = lines.join("\n");
    return name;
  }

  #array(node: JsonSchema, depth: number): string | undefined {
    if (node.prefixItems !== undefined || this.functions.length >= MAX_FUNCTIONS) return undefined;
    const index = this.functions.push("") - 1;
    const name = `array${index}`;
    const item = typeof node.items === "object" && node.items !== null ? node.items : undefined;
    const lines = [
      `function ${name}(a) {`,
      `  if (!Array.isArray(a) || typeof a.toJSON === "function") return fallback(a);`,
      `  const n = a.length;`,
      `  if (n === 0) return "[]";`,
      `  let s = "[", v, t;`,
      `  for (let i = 0; i < n; i++) {`,
      `    v = a[i];`,
      `    t = ${this.expression(item, "v", depth + 1)};`,
      `    s += (i === 0 ? "" : ",") + (t === undefined ? "null" : t);`,
      `  }`,
      `  return s + "]";`,
      `}`,
    ];
    this.functions[index] = lines.join("\n");
    return name;
  }
}

/** The schema without its `null` alternative: null needs no special case, JSON.stringify writes it. */
function withoutNull(node: JsonSchema): JsonSchema {
  const members = node.anyOf ?? node.oneOf;
  if (!members || members.length !== 2 || Object.keys(node).length !== 1) return node;
  const [a, b] = members;
  if (isNullSchema(a)) return b!;
  if (isNullSchema(b)) return a!;
  return node;
}

function isNullSchema(node: JsonSchema | undefined): boolean {
  return node !== undefined && node.type === "null" && Object.keys(node).length === 1;
}

/**
 * The one JSON type a node declares (ignoring `null`), or undefined for anything that is not a
 * plain type: references, unions, compositions, enums mixing types.
 */
function singleType(node: JsonSchema): string | undefined {
  if (node.$ref !== undefined || node.anyOf !== undefined || node.oneOf !== undefined || node.allOf !== undefined) return undefined;
  if (node.not !== undefined || node.if !== undefined) return undefined;
  let type = node.type;
  if (Array.isArray(type)) {
    const kinds = type.filter((t) => t !== "null");
    if (kinds.length !== 1) return undefined;
    type = kinds[0];
  }
  return typeof type === "string" ? type : undefined;
}

/** Keys in the order JavaScript enumerates an object built in schema order. */
function enumerationOrder(keys: string[]): string[] {
  const indexes = keys.filter((key) => INDEX_KEY.test(key) && Number(key) < 2 ** 32 - 1).sort((a, b) => Number(a) - Number(b));
  const others = keys.filter((key) => !indexes.includes(key));
  return [...indexes, ...others];
}
