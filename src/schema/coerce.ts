import type { JsonSchema } from "./json-schema.js";

/**
 * Turning request strings into the JSON types a parameter's schema declares, before validation,
 * the way pydantic's lax mode does for FastAPI: `"5"` → 5 for an integer, `"yes"` → true for a
 * boolean, a single value → a one-item list for an array. The plan is computed once per
 * parameter from its input JSON Schema.
 */

/** A parameter that fails coercion gets this error instead of being validated. */
export interface CoercionFailure {
  readonly type: "int_parsing" | "float_parsing" | "bool_parsing" | "int_parsing_size";
  readonly msg: string;
}

export const INT_PARSING: CoercionFailure = {
  type: "int_parsing",
  msg: "Input should be a valid integer, unable to parse string as an integer",
};
export const INT_PARSING_SIZE: CoercionFailure = {
  type: "int_parsing_size",
  msg: "Unable to parse input string as an integer, exceeded maximum size",
};
export const FLOAT_PARSING: CoercionFailure = {
  type: "float_parsing",
  msg: "Input should be a valid number, unable to parse string as a number",
};
export const BOOL_PARSING: CoercionFailure = {
  type: "bool_parsing",
  msg: "Input should be a valid boolean, unable to interpret input",
};

/** How one string becomes a value. */
export type ScalarPlan =
  | { readonly kind: "keep" }
  | { readonly kind: "integer" }
  | { readonly kind: "number" }
  | { readonly kind: "boolean" }
  /** Several scalar types and no string: the first that parses wins, in this order. */
  | { readonly kind: "union"; readonly tries: readonly ("integer" | "number" | "boolean")[] }
  /** Enum or const: the string becomes the literal it spells, else stays a string for the schema to reject. */
  | { readonly kind: "literal"; readonly values: readonly unknown[] };

/** How one parameter's raw value (a string, or the strings of a repeated key) becomes a value. */
export interface CoercionPlan {
  /** True when the schema takes a list: every string is kept, each coerced by `item`. */
  readonly array: boolean;
  readonly item: ScalarPlan;
}

const KEEP: ScalarPlan = { kind: "keep" };
const SCALAR_ORDER = ["integer", "number", "boolean"] as const;

/**
 * The coercion plan of a parameter from its input JSON Schema. Reads `type` (also as a list),
 * `anyOf`/`oneOf`/`allOf` of types, `enum`/`const`, `items`, and local `$ref`s; `null` is never
 * produced from a string (pydantic reports `"null"` for an optional int as `int_parsing` too).
 *
 * @example
 * planCoercion({ type: "array", items: { type: "integer" } }) // { array: true, item: { kind: "integer" } }
 */
export function planCoercion(schema: JsonSchema, root: JsonSchema = schema): CoercionPlan {
  const node = resolve(schema, root);
  const types = new Set<string>();
  let items: JsonSchema | undefined;
  collectTypes(node, root, types, (found) => (items ??= found), 0);
  if (types.has("array")) return { array: true, item: items ? scalarPlan(items, root) : KEEP };
  return { array: false, item: scalarPlan(node, root) };
}

function scalarPlan(schema: JsonSchema, root: JsonSchema): ScalarPlan {
  const node = resolve(schema, root);
  const literals = literalValues(node);
  if (literals) return literals.every((value) => typeof value === "string") ? KEEP : { kind: "literal", values: literals };
  const types = new Set<string>();
  collectTypes(node, root, types, () => undefined, 0);
  // A string member, or no declared type at all, means the text is already acceptable.
  if (types.size === 0 || types.has("string")) return KEEP;
  const tries = SCALAR_ORDER.filter((type) => types.has(type));
  if (tries.length === 0) return KEEP;
  if (tries.length === 1) return { kind: tries[0]! };
  return { kind: "union", tries };
}

function literalValues(node: JsonSchema): readonly unknown[] | undefined {
  if (Array.isArray(node.enum)) return node.enum;
  if (Object.hasOwn(node, "const")) return [node.const];
  return undefined;
}

function collectTypes(
  schema: JsonSchema | boolean | undefined,
  root: JsonSchema,
  into: Set<string>,
  onArrayItems: (items: JsonSchema) => void,
  depth: number,
): void {
  if (schema === undefined || typeof schema === "boolean" || depth > 16) return;
  const node = resolve(schema, root);
  const type = node.type;
  if (typeof type === "string") into.add(type);
  else if (Array.isArray(type)) for (const t of type) if (typeof t === "string") into.add(t);
  if (into.has("array") && node.items && typeof node.items === "object") onArrayItems(node.items);
  const literals = literalValues(node);
  if (literals && typeof type !== "string" && !Array.isArray(type)) {
    for (const value of literals) into.add(value === null ? "null" : typeof value === "number" ? "number" : typeof value);
  }
  for (const member of node.anyOf ?? []) collectTypes(member, root, into, onArrayItems, depth + 1);
  for (const member of node.oneOf ?? []) collectTypes(member, root, into, onArrayItems, depth + 1);
  for (const member of node.allOf ?? []) collectTypes(member, root, into, onArrayItems, depth + 1);
}

/** Follows a local `$ref` (`#` or `#/$defs/Name`); other references resolve to themselves. */
function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let node = schema;
  for (let hops = 0; hops < 8 && typeof node.$ref === "string"; hops++) {
    const ref = node.$ref;
    if (ref === "#") node = root;
    else if (ref.startsWith("#/$defs/")) {
      const target = root.$defs?.[decodeURIComponent(ref.slice(8)).replace(/~1/g, "/").replace(/~0/g, "~")];
      if (!target) return node;
      node = target;
    } else return node;
  }
  return node;
}

// pydantic-core's grammar: ASCII digits, surrounding whitespace, single underscores between
// digits (as Python literals allow), and for integers an all-zero fraction ("1.0", "1.").
const DIGITS = String.raw`\d+(?:_\d+)*`;
const INTEGER = new RegExp(String.raw`^\s*[+-]?${DIGITS}(?:\.0*)?\s*$`);
const DECIMAL = new RegExp(String.raw`^\s*[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?\s*$`);

/** Marks a string that did not coerce; the failure says which error to report. */
export const NOT_COERCED: unique symbol = Symbol("not coerced");

/** The failure reported when `plan` could not coerce a string. */
export function failureOf(plan: ScalarPlan, text: string): CoercionFailure {
  const first = plan.kind === "union" ? plan.tries[0] : plan.kind;
  if (first === "integer") return INTEGER.test(text) ? INT_PARSING_SIZE : INT_PARSING;
  if (first === "number") return FLOAT_PARSING;
  return BOOL_PARSING;
}

/**
 * One string coerced by a plan, or {@link NOT_COERCED}.
 *
 * @example
 * coerceScalar({ kind: "integer" }, " 42 ") // 42
 * coerceScalar({ kind: "boolean" }, "Yes") // true
 * coerceScalar({ kind: "integer" }, "0x10") // NOT_COERCED
 */
export function coerceScalar(plan: ScalarPlan, text: string): unknown {
  switch (plan.kind) {
    case "keep":
      return text;
    case "integer":
      return toInteger(text);
    case "number":
      return toNumber(text);
    case "boolean":
      return toBoolean(text);
    case "union":
      for (const kind of plan.tries) {
        const value = kind === "integer" ? toInteger(text) : kind === "number" ? toNumber(text) : toBoolean(text);
        if (value !== NOT_COERCED) return value;
      }
      return NOT_COERCED;
    case "literal":
      return toLiteral(plan.values, text);
  }
}

function withoutUnderscores(text: string): string {
  return text.includes("_") ? text.replaceAll("_", "") : text;
}

/**
 * The common case, a short run of ASCII digits with an optional sign, without a regex (a regex
 * test costs several times this loop). NaN when the text is anything else.
 */
function plainInteger(text: string): number {
  const length = text.length;
  if (length === 0 || length > 15) return NaN;
  const first = text.charCodeAt(0);
  const signed = first === 0x2d || first === 0x2b;
  if (signed && length === 1) return NaN;
  let value = 0;
  for (let i = signed ? 1 : 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return first === 0x2d ? -value : value;
}

function toInteger(text: string): number | typeof NOT_COERCED {
  const plain = plainInteger(text);
  if (!Number.isNaN(plain)) return plain;
  if (!INTEGER.test(text)) return NOT_COERCED;
  const value = Number(withoutUnderscores(text));
  // Python ints are unbounded; a digit string past float range is reported as too large.
  return Number.isFinite(value) ? value : NOT_COERCED;
}

function toNumber(text: string): number | typeof NOT_COERCED {
  const plain = plainInteger(text);
  if (!Number.isNaN(plain)) return plain;
  // Number() alone would also take "0x10", "0b1", "Infinity" and "": Python's float() takes none.
  if (!DECIMAL.test(text)) return NOT_COERCED;
  const value = Number(withoutUnderscores(text));
  return Number.isFinite(value) ? value : NOT_COERCED;
}

function toBoolean(text: string): boolean | typeof NOT_COERCED {
  switch (text.length <= 5 ? text.toLowerCase() : "") {
    case "1":
    case "true":
    case "t":
    case "yes":
    case "y":
    case "on":
      return true;
    case "0":
    case "false":
    case "f":
    case "no":
    case "n":
    case "off":
      return false;
    default:
      return NOT_COERCED;
  }
}

function toLiteral(values: readonly unknown[], text: string): unknown {
  if (values.includes(text)) return text;
  for (const value of values) {
    if (typeof value === "number" && toNumber(text) === value) return value;
    if (typeof value === "boolean" && toBoolean(text) === value) return value;
  }
  // Left as is, the schema rejects it with a literal error naming the raw text.
  return text;
}
