import type { HandlerContextImpl } from "../routing/handler-context.js";
import type { ParamInput, ParamValidator, ValidationIssue, Validated } from "../schema/index.js";
import { DependencyContextImpl } from "./context.js";
import type { Dependency, DependencyCore, DependencyValidators, SubDependency } from "./dependency.js";
import type { DependencyOverrides } from "./overrides.js";
import { addScopes, SecurityScopes } from "./security-scopes.js";
import type { PausedGenerator, TeardownStack } from "./teardown.js";

/** Where generator dependencies wait for their teardown: after the response, or before it. */
export interface TeardownStacks {
  readonly afterResponse: TeardownStack;
  readonly beforeResponse: TeardownStack;
}
import { usesScopes } from "./uses-scopes.js";

/** The request body, read and parsed once, shared by a route and its dependencies. */
export interface BodyReaders {
  json(): Promise<unknown>;
  form(): Promise<Record<string, string | string[]>>;
}

/** A dependency that was skipped because its parameters (or a sub-dependency's) failed validation. */
export const FAILED: unique symbol = Symbol("dependency failed validation");

const MISSING: unique symbol = Symbol("not cached");
const NO_SCOPES = new SecurityScopes(Object.freeze([]));

/**
 * Resolves the dependencies of one request, FastAPI's way: one after another in declaration
 * order; for each, its sub-dependencies first, then its own parameters, then the call. A
 * dependency whose parameters fail is skipped (its errors are kept for the single 422) and the
 * next one still runs, so an `HTTPException` raised by a later dependency wins over the 422.
 * Values are cached per request, keyed by function (and by the OAuth2 scopes asked for, when
 * the dependency looks at scopes).
 */
export class DependencyResolver {
  /** Errors of skipped dependencies, in the order they were found. */
  issues: ValidationIssue[] | undefined;
  readonly #route: HandlerContextImpl;
  readonly #overrides: DependencyOverrides | undefined;
  readonly #body: BodyReaders;
  readonly #teardown: TeardownStacks;
  readonly #cache = new Map<Function, Map<string, unknown>>();

  constructor(route: HandlerContextImpl, overrides: DependencyOverrides | undefined, body: BodyReaders, teardown: TeardownStacks) {
    this.#route = route;
    this.#overrides = overrides;
    this.#body = body;
    this.#teardown = teardown;
  }

  /** Resolves a list of sub-dependencies in order: their named values, or FAILED if any failed. */
  async resolveAll(list: readonly SubDependency[], scopes: readonly string[]): Promise<Record<string, unknown> | typeof FAILED> {
    let values: Record<string, unknown> | typeof FAILED = {};
    for (const { name, dependency } of list) {
      const value = await this.resolve(dependency, scopes);
      if (value === FAILED) values = FAILED;
      else if (name !== undefined && values !== FAILED) values[name] = value;
    }
    return values;
  }

  /** Resolves one use of a dependency under the scopes its dependants asked for. */
  async resolve(use: Dependency<unknown>, parentScopes: readonly string[]): Promise<unknown> {
    const core = (this.#overrides ? this.#overrides.replace(use) : use).core;
    const scopes = addScopes(parentScopes, use.scopes);
    const scopeKey = scopes.length > 0 && usesScopes(core) ? scopes.join(" ") : "";
    if (use.useCache) {
      const cached = this.#cached(core.fn, scopeKey);
      if (cached !== MISSING) return cached;
    }
    const ctx = new DependencyContextImpl(this.#route, scopes.length === 0 ? NO_SCOPES : new SecurityScopes(scopes));
    let failed = false;
    if (core.subDependencies.length > 0) {
      const values = await this.resolveAll(core.subDependencies, scopes);
      if (values === FAILED) failed = true;
      else ctx.deps = values;
    }
    if (!(await this.#validateOwn(core.validators, ctx))) failed = true;
    const value = failed ? FAILED : await this.#call(core, ctx);
    // Like FastAPI, the first value of a request stays cached, even past a `useCache: false` use.
    if (this.#cached(core.fn, scopeKey) === MISSING) this.#store(core.fn, scopeKey, value);
    return value;
  }

  /**
   * The one place a dependency function is called. A `lane: "thread"` dependency belongs to the
   * thread lane, which hooks in here; generators are set up here and their teardown registered.
   */
  async #call(core: DependencyCore, ctx: DependencyContextImpl): Promise<unknown> {
    if (core.thread) return core.thread.run(ctx);
    const result = core.fn(ctx);
    if (isGenerator(result)) {
      const first = await result.next();
      if (first.done) throw new Error(`Dependency ${core.name} finished without yielding a value; a dependency with teardown yields exactly once`);
      const stack = core.declaration.teardown === "before-response" ? this.#teardown.beforeResponse : this.#teardown.afterResponse;
      stack.push(result, core.name);
      return first.value;
    }
    return await result;
  }

  async #validateOwn(validators: DependencyValidators, ctx: DependencyContextImpl): Promise<boolean> {
    const req = ctx.req;
    let ok = true;
    if (validators.path) {
      const result = await this.#check(validators.path, req.pathParams);
      if (result.ok) ctx.path = result.value;
      else ok = false;
    }
    if (validators.query) {
      const result = await this.#check(validators.query, req.query);
      if (result.ok) ctx.query = result.value;
      else ok = false;
    }
    if (validators.headers) {
      const result = await this.#check(validators.headers, req.headers as ParamInput);
      if (result.ok) ctx.headers = result.value;
      else ok = false;
    }
    if (validators.cookies) {
      const result = await this.#check(validators.cookies, req.cookies);
      if (result.ok) ctx.cookies = result.value;
      else ok = false;
    }
    if (validators.body) {
      let result = validators.body.validate(await this.#body.json());
      if (result instanceof Promise) result = await result;
      if (result.ok) ctx.body = result.value;
      else ok = this.#collect(result.issues);
    } else if (validators.form) {
      const result = await this.#check(validators.form, await this.#body.form());
      if (result.ok) ctx.form = result.value;
      else ok = false;
    }
    return ok;
  }

  async #check(validator: ParamValidator, raw: ParamInput): Promise<Validated<Record<string, unknown>>> {
    let result = validator.validate(raw);
    if (result instanceof Promise) result = await result;
    if (!result.ok) this.#collect(result.issues);
    return result;
  }

  #collect(issues: ValidationIssue[]): false {
    this.issues = this.issues ? this.issues.concat(issues) : issues;
    return false;
  }

  #cached(fn: Function, scopeKey: string): unknown {
    const byScopes = this.#cache.get(fn);
    if (byScopes === undefined || !byScopes.has(scopeKey)) return MISSING;
    return byScopes.get(scopeKey);
  }

  #store(fn: Function, scopeKey: string, value: unknown): void {
    let byScopes = this.#cache.get(fn);
    if (byScopes === undefined) this.#cache.set(fn, (byScopes = new Map()));
    byScopes.set(scopeKey, value);
  }
}

/** Generator objects (sync or async) follow the iterator protocol with `throw` and `return`. */
function isGenerator(value: unknown): value is PausedGenerator {
  if (value === null || typeof value !== "object") return false;
  const candidate = value as Partial<PausedGenerator>;
  return (
    typeof candidate.next === "function" &&
    typeof candidate.throw === "function" &&
    typeof candidate.return === "function" &&
    (Symbol.asyncIterator in value || Symbol.iterator in value)
  );
}
