import type { JsonSchema } from "../schema/json-schema.js";

type IO = "input" | "output";

/** One distinct content registered under a name. */
interface Variant {
  readonly key: string;
  readonly schema: JsonSchema;
  readonly ios: Set<IO>;
}

/** A `{ $ref }` object whose target is decided once every use is known. */
interface PendingRef {
  readonly node: JsonSchema;
  readonly name: string;
  readonly key: string;
}

const DEFS_PREFIX = "#/$defs/";
const COMPONENTS_PREFIX = "#/components/schemas/";

/**
 * Collects named schemas into `components.schemas`. Schemas named with zod's `.meta({ id })`
 * come out of `toJsonSchema` under `$defs`; they are hoisted here and referenced with `$ref`, so a
 * model used by many operations is written once. When a name is used with two different
 * contents, one only for requests and one only for responses (a field with a default is optional
 * in a request and always present in a response), they become `Name-Input` and `Name-Output`,
 * as FastAPI names them; other clashes get `Name_2`, `Name_3`...
 */
export class SchemaComponents {
  readonly #variants = new Map<string, Variant[]>();
  readonly #pending: PendingRef[] = [];
  readonly #fixed = new Map<string, JsonSchema>();

  /**
   * A request or response schema for the document: a copy of `converted` (the output of
   * `toJsonSchema`) with its `$defs` moved to the components.
   *
   * @param hint the component name used when the schema refers to itself (`"#"`) and has no name.
   */
  use(converted: JsonSchema, io: IO, hint: string): JsonSchema {
    const { $defs, ...root } = converted;
    const keys = variantKeys($defs ?? {}, io);
    for (const [name, definition] of Object.entries($defs ?? {})) this.#register(name, keys.get(name)!, definition, io, keys);
    if (refersToRoot(root)) {
      const key = canonical(root, io);
      keys.set(hint, key);
      this.#register(hint, key, root, io, keys, true);
      return this.#ref(hint, key);
    }
    return this.#copy(root, io, keys, undefined);
  }

  /** Adds a component defined by loopwise itself (the 422 schemas, form bodies). */
  define(name: string, schema: JsonSchema): JsonSchema {
    this.#fixed.set(name, schema);
    return { $ref: COMPONENTS_PREFIX + name };
  }

  /** The `components.schemas` object, sorted by name as FastAPI writes it; sets every pending `$ref`. */
  finish(): Record<string, JsonSchema> | undefined {
    const finalNames = new Map<string, string>();
    const out: Record<string, JsonSchema> = {};
    for (const [name, variants] of this.#variants) {
      const named = nameVariants(name, variants);
      for (const [variant, finalName] of named) {
        finalNames.set(`${name}\u0000${variant.key}`, finalName);
        if (variant.schema.title === undefined) variant.schema.title = name;
        out[finalName] = variant.schema;
      }
    }
    for (const ref of this.#pending) ref.node.$ref = COMPONENTS_PREFIX + finalNames.get(`${ref.name}\u0000${ref.key}`)!;
    for (const [name, schema] of this.#fixed) out[name] = schema;
    const names = Object.keys(out).sort();
    if (names.length === 0) return undefined;
    const sorted: Record<string, JsonSchema> = {};
    for (const name of names) sorted[name] = out[name]!;
    return sorted;
  }

  #register(name: string, key: string, definition: JsonSchema, io: IO, keys: Map<string, string>, selfRef = false): void {
    let variants = this.#variants.get(name);
    if (!variants) this.#variants.set(name, (variants = []));
    const known = variants.find((variant) => variant.key === key);
    if (known) {
      known.ios.add(io);
      return;
    }
    variants.push({ key, schema: this.#copy(definition, io, keys, selfRef ? name : undefined), ios: new Set([io]) });
  }

  #ref(name: string, key: string): JsonSchema {
    const node: JsonSchema = { $ref: "" };
    this.#pending.push({ node, name, key });
    return node;
  }

  /** A deep copy with `$defs` references (and `"#"` when `self` names the root) made pending. */
  #copy(node: JsonSchema, io: IO, keys: Map<string, string>, self: string | undefined): JsonSchema {
    const visit = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(visit);
      if (value === null || typeof value !== "object") return value;
      const source = value as JsonSchema;
      const ref = source.$ref;
      if (typeof ref === "string") {
        const name = ref === "#" && self !== undefined ? self : ref.startsWith(DEFS_PREFIX) ? decodeURIComponent(ref.slice(DEFS_PREFIX.length)) : undefined;
        const key = name === undefined ? undefined : keys.get(name);
        if (name !== undefined && key !== undefined) {
          const { $ref: _ref, ...rest } = source;
          const target = this.#ref(name, key);
          // JSON Schema 2020-12 allows keywords beside $ref (a description, a default).
          for (const [k, v] of Object.entries(rest)) target[k] = visit(v);
          return target;
        }
      }
      const copy: JsonSchema = {};
      for (const [k, v] of Object.entries(source)) {
        // Responses never carry unknown keys (zod strips them), which zod states as
        // `additionalProperties: false`; FastAPI's documents leave that out, and so do we.
        if (io === "output" && k === "additionalProperties" && v === false) continue;
        copy[k] = visit(v);
      }
      return copy;
    };
    return visit(node) as JsonSchema;
  }
}

/**
 * A key per `$defs` entry that is equal only for equal content: its own JSON plus the JSON of
 * every definition it reaches, since `Item` refers to a `Tag` that may differ between uses.
 */
function variantKeys(defs: Record<string, JsonSchema>, io: IO): Map<string, string> {
  const own = new Map<string, string>();
  const refs = new Map<string, Set<string>>();
  for (const [name, definition] of Object.entries(defs)) {
    own.set(name, canonical(definition, io));
    const found = new Set<string>();
    collectDefRefs(definition, found);
    refs.set(name, found);
  }
  const keys = new Map<string, string>();
  for (const name of own.keys()) {
    const reached = new Set<string>([name]);
    const stack = [name];
    while (stack.length > 0) {
      for (const next of refs.get(stack.pop()!) ?? []) {
        if (!reached.has(next) && own.has(next)) {
          reached.add(next);
          stack.push(next);
        }
      }
    }
    keys.set(name, [...reached].sort().map((n) => `${n}=${own.get(n)}`).join("\n"));
  }
  return keys;
}

function collectDefRefs(node: unknown, found: Set<string>): void {
  if (Array.isArray(node)) for (const item of node) collectDefRefs(item, found);
  else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(DEFS_PREFIX)) found.add(decodeURIComponent(value.slice(DEFS_PREFIX.length)));
      else collectDefRefs(value, found);
    }
  }
}

function canonical(schema: JsonSchema, io: IO): string {
  return JSON.stringify(schema, (key, value) => (io === "output" && key === "additionalProperties" && value === false ? undefined : value));
}

function refersToRoot(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(refersToRoot);
  if (node === null || typeof node !== "object") return false;
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && value === "#") return true;
    if (refersToRoot(value)) return true;
  }
  return false;
}

function nameVariants(name: string, variants: readonly Variant[]): [Variant, string][] {
  if (variants.length === 1) return [[variants[0]!, name]];
  const [a, b] = variants;
  if (variants.length === 2 && a!.ios.size === 1 && b!.ios.size === 1 && !a!.ios.has([...b!.ios][0]!)) {
    return variants.map((variant) => [variant, `${name}-${variant.ios.has("input") ? "Input" : "Output"}`]);
  }
  return variants.map((variant, index) => [variant, index === 0 ? name : `${name}_${index + 1}`]);
}
