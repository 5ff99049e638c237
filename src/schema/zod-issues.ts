import type { ValidationIssue } from "./types.js";
import { makeIssue, missingIssue, valueErrorIssue, type IssueScope } from "./issue.js";
import { pythonExpected, pythonNumber, pythonRepr } from "./python-repr.js";
import { segmentKey, valueAt, type PathSegment } from "./value-path.js";
import { isZodInt, unwrapZod, zodKind, zodNodeAt, type ZodNode } from "./zod-node.js";
import { formatIssue } from "./zod-format-issue.js";

/** A zod v4 issue as its Standard Schema result gives it (finalized: no input, no schema node). */
export interface ZodIssue {
  readonly code?: string;
  readonly path?: readonly PathSegment[];
  readonly message: string;
  readonly [detail: string]: unknown;
}

/** A path below the validated value. */
export type Path = readonly (string | number)[];

/**
 * Translates one zod issue into pydantic v2's error(s): the same `type`, `msg` and `ctx` pydantic
 * gives for the equivalent Python type. `node` is the zod schema that `base` (the path so far)
 * points at; the issue's own path continues from there.
 *
 * @example
 * // z.number().min(0) given -1 in the path parameter item_id:
 * // { type: "greater_than_equal", loc: ["path", "item_id"], msg: "Input should be greater than or equal to 0",
 * //   input: "-1", ctx: { ge: 0 } }
 */
export function mapZodIssue(issue: ZodIssue, node: ZodNode | undefined, base: Path, scope: IssueScope, out: ValidationIssue[]): void {
  const relative = (issue.path ?? []).map(segmentKey);
  const path = base.length === 0 ? relative : [...base, ...relative];
  const value = valueAt(scope.input, path);
  const target = zodNodeAt(node, relative);
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) out.push(missingIssue(scope, path, valueAt(scope.input, path, path.length - 1)));
      else out.push(typeIssue(String(issue["expected"]), target, value, path, scope, issue.message));
      return;
    case "invalid_value": {
      const expected = pythonExpected(issue["values"] as unknown[]);
      const type = zodKind(target) === "enum" ? "enum" : "literal_error";
      out.push(makeIssue(type, scope, path, `Input should be ${expected}`, value, { expected }));
      return;
    }
    case "too_small":
    case "too_big":
      out.push(sizeIssue(issue, target, value, path, scope));
      return;
    case "not_multiple_of": {
      const divisor = Number(issue["divisor"]);
      out.push(makeIssue("multiple_of", scope, path, `Input should be a multiple of ${pythonNumber(divisor)}`, value, { multiple_of: divisor }));
      return;
    }
    case "unrecognized_keys":
      for (const key of issue["keys"] as string[]) {
        const keyPath = [...path, key];
        out.push(makeIssue("extra_forbidden", scope, keyPath, "Extra inputs are not permitted", valueAt(scope.input, keyPath)));
      }
      return;
    case "invalid_union":
      unionIssues(issue, target, path, value, scope, out);
      return;
    case "invalid_key":
      keyIssues(issue, zodNodeAt(node, relative.slice(0, -1)), path, scope, out);
      return;
    case "invalid_format":
      out.push(formatIssue(issue, target, value, path, scope));
      return;
    default:
      // `custom` (refine, superRefine, z.custom) and anything newer than this mapping.
      out.push(valueErrorIssue(scope, path, issue.message, value));
  }
}

function typeIssue(expected: string, target: ZodNode | undefined, value: unknown, path: Path, scope: IssueScope, message: string): ValidationIssue {
  switch (expected) {
    case "string":
      return makeIssue("string_type", scope, path, "Input should be a valid string", value);
    case "number":
      if (typeof value === "number") return makeIssue("finite_number", scope, path, "Input should be a finite number", value);
      return isZodInt(target)
        ? makeIssue("int_type", scope, path, "Input should be a valid integer", value)
        : makeIssue("float_type", scope, path, "Input should be a valid number", value);
    case "int":
      if (typeof value === "number" && !Number.isFinite(value)) return makeIssue("finite_number", scope, path, "Input should be a finite number", value);
      if (typeof value === "number") {
        return makeIssue("int_from_float", scope, path, "Input should be a valid integer, got a number with a fractional part", value);
      }
      return makeIssue("int_type", scope, path, "Input should be a valid integer", value);
    case "bigint":
      return makeIssue("int_type", scope, path, "Input should be a valid integer", value);
    case "boolean":
      return makeIssue("bool_type", scope, path, "Input should be a valid boolean", value);
    case "object":
      return path.length === 0
        ? makeIssue("model_attributes_type", scope, path, "Input should be a valid dictionary or object to extract fields from", value)
        : makeIssue("dict_type", scope, path, "Input should be a valid dictionary", value);
    case "record":
    case "map":
      return makeIssue("dict_type", scope, path, "Input should be a valid dictionary", value);
    case "array":
      return zodKind(target) === "tuple"
        ? makeIssue("tuple_type", scope, path, "Input should be a valid tuple", value)
        : makeIssue("list_type", scope, path, "Input should be a valid list", value);
    case "tuple":
      return makeIssue("tuple_type", scope, path, "Input should be a valid tuple", value);
    case "set":
      return makeIssue("set_type", scope, path, "Input should be a valid set", value);
    case "null":
      return makeIssue("none_required", scope, path, "Input should be None", value);
    case "date":
      return makeIssue("datetime_type", scope, path, "Input should be a valid datetime", value);
    default:
      return valueErrorIssue(scope, path, message, value);
  }
}

function sizeIssue(issue: ZodIssue, target: ZodNode | undefined, value: unknown, path: Path, scope: IssueScope): ValidationIssue {
  const small = issue.code === "too_small";
  const bound = small ? issue["minimum"] : issue["maximum"];
  const origin = issue["origin"];
  switch (origin) {
    case "string": {
      const n = Number(bound);
      const plural = n === 1 ? "" : "s";
      return small
        ? makeIssue("string_too_short", scope, path, `String should have at least ${n} character${plural}`, value, { min_length: n })
        : makeIssue("string_too_long", scope, path, `String should have at most ${n} character${plural}`, value, { max_length: n });
    }
    case "array":
    case "set": {
      const n = Number(bound);
      const fieldType = origin === "set" ? "Set" : zodKind(target) === "tuple" ? "Tuple" : "List";
      const actual = Array.isArray(value) ? value.length : value instanceof Set ? value.size : 0;
      const plural = n === 1 ? "" : "s";
      return small
        ? makeIssue("too_short", scope, path, `${fieldType} should have at least ${n} item${plural} after validation, not ${actual}`, value, {
            field_type: fieldType,
            min_length: n,
            actual_length: actual,
          })
        : makeIssue("too_long", scope, path, `${fieldType} should have at most ${n} item${plural} after validation, not ${actual}`, value, {
            field_type: fieldType,
            max_length: n,
            actual_length: actual,
          });
    }
    case "number":
    case "int":
    case "bigint":
    case "date": {
      const limit: number | string = origin === "date" ? new Date(Number(bound)).toISOString() : Number(bound);
      const shown = typeof limit === "number" ? pythonNumber(limit) : limit;
      const inclusive = issue["inclusive"] !== false;
      if (small) {
        return inclusive
          ? makeIssue("greater_than_equal", scope, path, `Input should be greater than or equal to ${shown}`, value, { ge: limit })
          : makeIssue("greater_than", scope, path, `Input should be greater than ${shown}`, value, { gt: limit });
      }
      return inclusive
        ? makeIssue("less_than_equal", scope, path, `Input should be less than or equal to ${shown}`, value, { le: limit })
        : makeIssue("less_than", scope, path, `Input should be less than ${shown}`, value, { lt: limit });
    }
    default:
      return valueErrorIssue(scope, path, issue.message, value);
  }
}

function unionIssues(issue: ZodIssue, target: ZodNode | undefined, path: Path, value: unknown, scope: IssueScope, out: ValidationIssue[]): void {
  const branches = issue["errors"] as ZodIssue[][] | undefined;
  const discriminator = issue["discriminator"];
  if (typeof discriminator === "string" && (!branches || branches.length === 0)) {
    // zod points at the tag; pydantic reports the union itself.
    const unionPath = path[path.length - 1] === discriminator ? path.slice(0, -1) : path;
    const union = valueAt(scope.input, unionPath);
    const tag = valueAt(union, [discriminator]);
    const name = pythonRepr(discriminator);
    if (tag === undefined) {
      out.push(makeIssue("union_tag_not_found", scope, unionPath, `Unable to extract tag using discriminator ${name}`, union, { discriminator: name }));
      return;
    }
    const expectedTags = ((issue["options"] as unknown[] | undefined) ?? []).map(pythonRepr).join(", ");
    const shownTag = String(tag);
    out.push(
      makeIssue(
        "union_tag_invalid",
        scope,
        unionPath,
        `Input tag '${shownTag}' found using ${name} does not match any of the expected tags: ${expectedTags}`,
        union,
        { discriminator: name, tag: shownTag, expected_tags: expectedTags },
      ),
    );
    return;
  }
  if (!branches || branches.length === 0) {
    out.push(valueErrorIssue(scope, path, issue.message, value));
    return;
  }
  // pydantic lists every member's errors; so does this, without its per-member loc tag.
  const options = target ? (unwrapZod(target)._zod.def.options as ZodNode[] | undefined) : undefined;
  branches.forEach((branch, i) => {
    for (const inner of branch) mapZodIssue(inner, options?.[i], path, scope, out);
  });
}

function keyIssues(issue: ZodIssue, record: ZodNode | undefined, path: Path, scope: IssueScope, out: ValidationIssue[]): void {
  // pydantic reports a bad dict key at loc [..., key, "[key]"] with the key itself as input.
  const keyScope: IssueScope = { loc: [...scope.loc, ...path, "[key]"], input: path[path.length - 1] };
  const keyNode = record ? (unwrapZod(record)._zod.def.keyType as ZodNode | undefined) : undefined;
  for (const inner of (issue["issues"] as ZodIssue[] | undefined) ?? []) mapZodIssue(inner, keyNode, [], keyScope, out);
}
