import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { InferShape, Schema, Shape, ValidationIssue, Validated } from "./types.js";
import { coerceScalar, failureOf, NOT_COERCED, planCoercion, type CoercionPlan } from "./coerce.js";
import { headerWireName } from "./header-name.js";
import { makeIssue, missingIssue } from "./issue.js";
import { toJsonSchema, type JsonSchema } from "./json-schema.js";
import { mapIssues } from "./map-issues.js";
import { isZodSchema, unwrapZod, zodAcceptsMissing, type ZodNode } from "./zod-node.js";

/** The request part a {@link ParamValidator} reads. */
export type ParamSource = "path" | "query" | "header" | "cookie" | "form";

/**
 * Raw parameter values as the server hands them over: strings, with arrays for repeated query or
 * form keys (and Node's `set-cookie` header). Node's `IncomingHttpHeaders` fits as is.
 */
export type ParamInput = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What OpenAPI needs to know about one declared parameter. */
export interface ParamInfo {
  /** The declared key, also the key in the validated object. */
  readonly name: string;
  /** The name on the wire: the header name for headers, else the declared key. */
  readonly wireName: string;
  readonly required: boolean;
  /** The parameter's input JSON Schema. */
  readonly jsonSchema: JsonSchema;
}

/** A compiled validator for the parameters of one location of one route. */
export interface ParamValidator<T = Record<string, unknown>> {
  readonly location: ParamSource;
  readonly params: readonly ParamInfo[];
  /**
   * Coerces and validates every declared parameter, collecting every error. Returns
   * synchronously unless a schema validated asynchronously (an async refinement).
   */
  validate(raw: ParamInput): Validated<T> | Promise<Validated<T>>;
}

type StandardResult = StandardSchemaV1.Result<unknown>;

/** One declared parameter, with everything decided at registration. */
class CompiledParam {
  readonly name: string;
  readonly wireName: string;
  readonly required: boolean;
  readonly jsonSchema: JsonSchema;
  readonly loc: readonly [string, string];
  readonly plan: CoercionPlan;
  readonly standard: StandardSchemaV1.Props<unknown, unknown>;
  readonly zod: ZodNode | undefined;
  /** A bare zod `.optional()`: validating a missing value would only give undefined back. */
  readonly skipWhenMissing: boolean;
  /** `__proto__` must be defined, not assigned, to become an own key of the result. */
  readonly protoKey: boolean;

  constructor(location: ParamSource, name: string, schema: Schema) {
    this.name = name;
    this.wireName = location === "header" ? headerWireName(name) : name;
    // Form fields are part of the body: FastAPI reports them at ["body", name].
    this.loc = [location === "form" ? "body" : location, this.wireName];
    this.standard = schema["~standard"];
    this.zod = isZodSchema(schema) ? schema : undefined;
    this.jsonSchema = toJsonSchema(schema, "input");
    this.plan = planCoercion(this.jsonSchema);
    this.required = this.zod ? zodRequires(this.zod) : probeRequires(this.standard);
    const def = this.zod?._zod.def;
    this.skipWhenMissing = def !== undefined && def.type === "optional" && !(def.checks?.length > 0);
    this.protoKey = name === "__proto__";
  }
}

function zodRequires(node: ZodNode): boolean {
  if (zodAcceptsMissing(node)) return false;
  const kind = unwrapZod(node)._zod.def.type;
  return !(kind === "any" || kind === "unknown" || kind === "undefined" || kind === "void");
}

/** Whether a non-zod schema rejects a missing value: asked once, at registration. */
function probeRequires(standard: StandardSchemaV1.Props<unknown, unknown>): boolean {
  try {
    const result = standard.validate(undefined);
    if (result instanceof Promise) {
      result.catch(() => undefined);
      return true;
    }
    return result.issues !== undefined;
  } catch {
    return true;
  }
}

/** A parameter whose outcome is waited for, kept in declaration order with those after it. */
interface Pending {
  readonly param: CompiledParam;
  /** The raw strings, for error inputs. */
  readonly view: unknown;
  readonly outcome: StandardResult | Promise<StandardResult> | ValidationIssue[];
}

class CompiledParams implements ParamValidator<Record<string, unknown>> {
  readonly location: ParamSource;
  readonly params: readonly ParamInfo[];
  readonly #compiled: readonly CompiledParam[];
  readonly #emptyIsMissing: boolean;

  constructor(location: ParamSource, shape: Shape) {
    this.location = location;
    this.#compiled = Object.keys(shape).map((name) => new CompiledParam(location, name, shape[name]!));
    this.params = Object.freeze(
      this.#compiled.map(({ name, wireName, required, jsonSchema }): ParamInfo => Object.freeze({ name, wireName, required, jsonSchema })),
    );
    // FastAPI treats an empty form field as not sent (HTML forms send every input).
    this.#emptyIsMissing = location === "form";
  }

  validate(raw: ParamInput): Validated<Record<string, unknown>> | Promise<Validated<Record<string, unknown>>> {
    const params = this.#compiled;
    const value: Record<string, unknown> = {};
    let issues: ValidationIssue[] | undefined;
    let pending: Pending[] | undefined;
    for (let i = 0; i < params.length; i++) {
      const param = params[i]!;
      let sent: unknown = raw[param.wireName];
      // Inherited properties of a plain object (`constructor`, `__proto__`) are not parameters.
      if (typeof sent !== "string" && !Array.isArray(sent)) sent = undefined;
      else if (this.#emptyIsMissing && sent === "") sent = undefined;

      let input: unknown;
      let view: unknown;
      if (sent === undefined) {
        if (param.required) {
          const missing = missingIssue({ loc: param.loc, input: undefined }, [], null);
          if (pending) pending.push({ param, view: undefined, outcome: [missing] });
          else (issues ??= []).push(missing);
          continue;
        }
        if (param.skipWhenMissing) continue;
      } else if (!param.plan.array) {
        // A repeated key for a single value: FastAPI (Starlette's QueryParams.get) takes the last one.
        const text = typeof sent === "string" ? sent : ((sent as string[])[(sent as string[]).length - 1] ?? "");
        view = text;
        input = coerceScalar(param.plan.item, text);
        if (input === NOT_COERCED) {
          const failure = failureOf(param.plan.item, text);
          const issue = makeIssue(failure.type, { loc: param.loc, input: text }, [], failure.msg, text);
          if (pending) pending.push({ param, view, outcome: [issue] });
          else (issues ??= []).push(issue);
          continue;
        }
      } else {
        const list: readonly string[] = typeof sent === "string" ? [sent] : (sent as string[]);
        view = list;
        input = coerceList(param, list);
        if (input instanceof CoercionErrors) {
          if (pending) pending.push({ param, view, outcome: input.issues });
          else (issues ??= []).push(...input.issues);
          continue;
        }
      }
      const outcome = param.standard.validate(input);
      if (pending) pending.push({ param, view, outcome });
      else if (outcome instanceof Promise) pending = [{ param, view, outcome }];
      else issues = settle(param, view, outcome, value, issues);
    }
    if (pending) return finishLater(pending, value, issues);
    return issues ? { ok: false, issues } : { ok: true, value };
  }
}

/** The errors of the strings of a list parameter that did not coerce. */
class CoercionErrors {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    this.issues = issues;
  }
}

function coerceList(param: CompiledParam, list: readonly string[]): readonly unknown[] | CoercionErrors {
  const item = param.plan.item;
  if (item.kind === "keep") return list;
  const values = new Array<unknown>(list.length);
  let issues: ValidationIssue[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const text = list[i]!;
    const value = coerceScalar(item, text);
    if (value === NOT_COERCED) {
      const failure = failureOf(item, text);
      (issues ??= []).push(makeIssue(failure.type, { loc: param.loc, input: list }, [i], failure.msg, text));
    } else values[i] = value;
  }
  return issues ? new CoercionErrors(issues) : values;
}

function settle(
  param: CompiledParam,
  view: unknown,
  result: StandardResult,
  value: Record<string, unknown>,
  issues: ValidationIssue[] | undefined,
): ValidationIssue[] | undefined {
  if (result.issues) {
    const out = issues ?? [];
    // A parameter that was not sent and is not acceptable as missing is reported as missing,
    // whatever the schema said about `undefined`.
    if (view === undefined) out.push(missingIssue({ loc: param.loc, input: undefined }, [], null));
    else mapIssues(result.issues, param.zod, { loc: param.loc, input: view }, out);
    return out;
  }
  const validated = result.value;
  if (validated === undefined) return issues;
  if (param.protoKey) Object.defineProperty(value, "__proto__", { value: validated, enumerable: true, writable: true, configurable: true });
  else value[param.name] = validated;
  return issues;
}

async function finishLater(
  pending: Pending[],
  value: Record<string, unknown>,
  issues: ValidationIssue[] | undefined,
): Promise<Validated<Record<string, unknown>>> {
  for (const { param, view, outcome } of pending) {
    if (Array.isArray(outcome)) (issues ??= []).push(...outcome);
    else issues = settle(param, view, await outcome, value, issues);
  }
  return issues ? { ok: false, issues } : { ok: true, value };
}

/**
 * Compiles the declared parameters of one location into a validator, once, at route
 * registration. Request strings are coerced to each schema's JSON type first (pydantic's lax
 * mode), then validated; errors carry FastAPI's `loc` (`["query", "q"]`, `["header", "x-token"]`)
 * and the raw string as `input`.
 *
 * @example
 * const query = compileParams("query", { limit: z.number().int().min(1).default(10), tag: z.array(z.string()).optional() });
 * query.validate({ limit: "5", tag: ["a", "b"] }) // { ok: true, value: { limit: 5, tag: ["a", "b"] } }
 * query.validate({ limit: "x" })
 * // { ok: false, issues: [{ type: "int_parsing", loc: ["query", "limit"],
 * //   msg: "Input should be a valid integer, unable to parse string as an integer", input: "x" }] }
 */
export function compileParams<S extends Shape>(location: ParamSource, shape: S): ParamValidator<InferShape<S>> {
  return new CompiledParams(location, shape) as unknown as ParamValidator<InferShape<S>>;
}
