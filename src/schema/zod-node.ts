/**
 * Read-only access to zod v4 schema internals (`_zod.def`). loopwise validates through Standard
 * Schema; it looks inside zod schemas only to name errors the way pydantic does (literal vs enum,
 * int vs float, tuple vs list) and to find the schema node an issue's path points at.
 */

/** The parts of a zod v4 schema node this module reads. */
export interface ZodNode {
  _zod: { def: ZodDef; optin?: string };
}

/** A zod v4 schema definition: `type` names the node kind; the rest depends on it. */
export interface ZodDef {
  type: string;
  [key: string]: any;
}

/** True for a zod v4 schema (zod 3 schemas implement Standard Schema too, but have no `_zod`). */
export function isZodSchema(schema: unknown): schema is ZodNode {
  if (schema === null || typeof schema !== "object") return false;
  const internals = (schema as { _zod?: { def?: unknown } })._zod;
  return internals !== undefined && internals !== null && typeof internals.def === "object" && internals.def !== null;
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional", "promise", "success"]);

/** Steps through wrappers (optional, default, lazy, pipe, ...) to the node that decides the value's kind. */
export function unwrapZod(node: ZodNode): ZodNode {
  // A bounded loop: z.lazy can refer to itself.
  for (let depth = 0; depth < 64; depth++) {
    const def = node._zod.def;
    if (WRAPPERS.has(def.type) && isZodSchema(def.innerType)) node = def.innerType;
    else if (def.type === "lazy" && typeof def.getter === "function") node = def.getter() as ZodNode;
    else if (def.type === "pipe" && isZodSchema(def.in) && isZodSchema(def.out)) {
      // Issues of `z.string().transform(f).pipe(z.number())` come from the output side.
      node = def.in._zod.def.type === "transform" ? def.out : def.in;
    } else return node;
  }
  return node;
}

/** The schema of `key` inside `node` (object property, array element, record value, ...). */
export function zodChild(node: ZodNode, key: PropertyKey): ZodNode | undefined {
  const def = unwrapZod(node)._zod.def;
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, ZodNode>;
      if (typeof key === "string" && Object.hasOwn(shape, key)) return shape[key];
      return isZodSchema(def.catchall) ? def.catchall : undefined;
    }
    case "array":
      return def.element as ZodNode;
    case "tuple": {
      const items = def.items as ZodNode[];
      if (typeof key === "number" && key < items.length) return items[key];
      return isZodSchema(def.rest) ? def.rest : undefined;
    }
    case "record":
    case "map":
    case "set":
      return def.valueType as ZodNode;
    case "union":
      for (const option of def.options as ZodNode[]) {
        const child = zodChild(option, key);
        if (child) return child;
      }
      return undefined;
    case "intersection":
      return zodChild(def.left, key) ?? zodChild(def.right, key);
    default:
      return undefined;
  }
}

/** The schema node at `path` below `root`, or undefined when the path leaves the schema. */
export function zodNodeAt(root: ZodNode | undefined, path: readonly PropertyKey[]): ZodNode | undefined {
  let node = root;
  for (let i = 0; i < path.length && node; i++) node = zodChild(node, path[i]!);
  return node;
}

/** The kind of the node after unwrapping: "number", "enum", "literal", "tuple", ... */
export function zodKind(node: ZodNode | undefined): string | undefined {
  return node ? unwrapZod(node)._zod.def.type : undefined;
}

/** True when the node is a zod number restricted to integers (`z.int()`, `z.number().int()`). */
export function isZodInt(node: ZodNode | undefined): boolean {
  if (!node) return false;
  const def = unwrapZod(node)._zod.def;
  if (def.type !== "number") return false;
  if (isIntFormat(def.format)) return true;
  const checks = def.checks as { _zod?: { def?: { format?: unknown } } }[] | undefined;
  return checks?.some((check) => isIntFormat(check._zod?.def?.format)) ?? false;
}

function isIntFormat(format: unknown): boolean {
  return typeof format === "string" && format.includes("int");
}

/**
 * Whether a zod schema accepts a missing value (optional, default, catch...), read from its
 * declared input optionality rather than by running it.
 */
export function zodAcceptsMissing(node: ZodNode): boolean {
  const optin = node._zod.optin;
  return optin !== undefined && optin !== null;
}
