import { threadDependency, type ThreadDependency } from "../lanes/thread-dependency.js";
import type { Request } from "../request.js";
import type { ParameterOptions, ParameterValues } from "../params/parameter-options.js";
import type { Lane, ResponseSettings } from "../routing/route-options.js";
import { compileBody, compileParams, type BodyValidator, type ParamValidator } from "../schema/index.js";
import type { InferShape } from "../schema/types.js";
import type { SecurityScheme } from "../security/scheme.js";
import type { SecurityScopes } from "./security-scopes.js";

/** Named dependencies whose values a handler or dependency receives under `deps`. */
export type DependencyMap = Record<string, Dependency<any>>;

/** What a dependency declares: its own request parameters, its sub-dependencies, and how it runs. */
export interface DependencyDeclaration extends ParameterOptions {
  /** Sub-dependencies whose values this dependency receives under `deps`. */
  deps?: DependencyMap;
  /** Sub-dependencies run for their effect only, before `deps`. */
  dependencies?: readonly Dependency<unknown>[];
  /** Reuse the value computed earlier in the same request (default true). */
  useCache?: boolean;
  /** Where the dependency runs (default "loop"). */
  lane?: Lane;
  /**
   * When a generator dependency's code after `yield` runs on success: `"after-response"`
   * (default, FastAPI's `scope="request"`) once the response is sent, so a streamed response can
   * still use the resource; `"before-response"` (FastAPI's `scope="function"`) as soon as the
   * handler's result is ready, so a commit that fails is still answered with an error.
   */
  teardown?: "after-response" | "before-response";
}

/** Options of one use of a dependency. */
export interface DependencyUseOptions {
  /** Reuse the value computed earlier in the same request (default true). */
  useCache?: boolean;
  /** Where the dependency runs (default "loop"). */
  lane?: Lane;
}

/** The value a dependency gives its dependants. */
export type DependencyValue<D> = D extends Dependency<infer T> ? T : never;

/** The `deps` object of a handler or dependency that declared `deps: D`. */
export type DependencyValues<D> = D extends DependencyMap ? { [K in keyof D]: DependencyValue<D[K]> } : {};

/** What a dependency function receives: its validated parameters, its sub-dependencies, the request. */
export interface DependencyContext<O extends DependencyDeclaration = {}> extends ParameterValues<O> {
  path: InferShape<O["path"]>;
  deps: DependencyValues<O["deps"]>;
  req: Request;
  /** Status, headers and cookies of the response being built (shared with the handler). */
  res: ResponseSettings;
  /** Aborts when the client disconnects. */
  signal: AbortSignal;
  /** OAuth2 scopes required by the dependants of this dependency (see `security()`). */
  securityScopes: SecurityScopes;
}

/**
 * The value of a dependency function's result: what a generator yields, what a promise
 * resolves to, or the value itself.
 */
export type Resolved<R> =
  R extends AsyncGenerator<infer Y, any, any> ? Y : R extends Generator<infer Y, any, any> ? Y : Awaited<R>;

/** A dependency function as the resolver calls it. */
export type DependencyFunction = (ctx: DependencyContext<any>) => unknown;

/** One sub-dependency of a dependant: named ones give a value under `deps`, unnamed ones run for effect. */
export interface SubDependency {
  readonly name: string | undefined;
  readonly dependency: Dependency<unknown>;
}

/** The compiled validators of a dependency's own parameters. */
export interface DependencyValidators {
  readonly path: ParamValidator | undefined;
  readonly query: ParamValidator | undefined;
  readonly headers: ParamValidator | undefined;
  readonly cookies: ParamValidator | undefined;
  readonly form: ParamValidator | undefined;
  readonly body: BodyValidator | undefined;
}

/**
 * What every use of one dependency shares: the function, its compiled parameter validators and
 * its sub-dependencies. Copies made by `depends(dep, options)` and `security(dep, ...)` share it.
 */
export interface DependencyCore {
  readonly fn: DependencyFunction;
  /** For messages: the function's name, or "anonymous dependency". */
  readonly name: string;
  readonly lane: Lane;
  readonly declaration: DependencyDeclaration;
  readonly validators: DependencyValidators;
  readonly subDependencies: readonly SubDependency[];
  /** Set for security helpers: how the dependency appears in OpenAPI. */
  readonly securityScheme: SecurityScheme | undefined;
  /** The dependency first made from this core: what `app.dependencyOverrides` is usually keyed by. */
  origin: Dependency<unknown> | undefined;
  /** For `lane: "thread"`: the function registered on the thread lane (pool threads find it by identity). */
  readonly thread: ThreadDependency | undefined;
}

declare const valueType: unique symbol;

/**
 * A dependency: a function of the request whose value handlers and other dependencies receive,
 * resolved at most once per request. Made with {@link depends}.
 */
export class Dependency<T = unknown> {
  /** Type-only: the value this dependency gives. */
  declare readonly [valueType]: T;
  readonly core: DependencyCore;
  /** Whether a value computed earlier in the same request is reused. */
  readonly useCache: boolean;
  /** OAuth2 scopes this use requires (see `security()`). */
  readonly scopes: readonly string[];

  /** @internal Use {@link depends}. */
  constructor(core: DependencyCore, useCache: boolean, scopes: readonly string[]) {
    this.core = core;
    this.useCache = useCache;
    this.scopes = scopes;
    core.origin ??= this as Dependency<unknown>;
  }

  /** Where the dependency runs: "loop" (default) or "thread". */
  get lane(): Lane {
    return this.core.lane;
  }

  /** The underlying function. */
  get fn(): DependencyFunction {
    return this.core.fn;
  }
}

/** Makes the core of a dependency: validators are compiled here, once, not per request. */
export function makeCore(fn: DependencyFunction, declaration: DependencyDeclaration, securityScheme?: SecurityScheme): DependencyCore {
  if (typeof fn !== "function") throw new TypeError("depends() needs a function");
  if (declaration.body && declaration.form) throw new Error(`${fn.name || "A dependency"} takes either a JSON body or form fields, not both`);
  const subDependencies: SubDependency[] = [];
  for (const dependency of declaration.dependencies ?? []) subDependencies.push({ name: undefined, dependency: checked(dependency) });
  for (const [name, dependency] of Object.entries(declaration.deps ?? {})) subDependencies.push({ name, dependency: checked(dependency) });
  return {
    fn,
    name: fn.name || "anonymous dependency",
    lane: declaration.lane ?? "loop",
    declaration,
    validators: {
      path: declaration.path ? compileParams("path", declaration.path) : undefined,
      query: declaration.query ? compileParams("query", declaration.query) : undefined,
      headers: declaration.headers ? compileParams("header", declaration.headers) : undefined,
      cookies: declaration.cookies ? compileParams("cookie", declaration.cookies) : undefined,
      form: declaration.form ? compileParams("form", declaration.form) : undefined,
      body: declaration.body ? compileBody(declaration.body) : undefined,
    },
    subDependencies,
    securityScheme,
    origin: undefined,
    thread: declaration.lane === "thread" ? threadDependency(fn, fn.name || "anonymous dependency") : undefined,
  };
}

function checked(dependency: unknown): Dependency<unknown> {
  if (!(dependency instanceof Dependency)) {
    throw new TypeError("A dependency must be made with depends(...) (or a security helper); got " + typeof dependency);
  }
  return dependency;
}

/**
 * Declares a dependency: a function of the request whose value handlers (and other dependencies)
 * receive under `deps`, typed. It may declare its own parameters (validated like a route's, their
 * errors merged into the route's 422) and sub-dependencies. A generator function is a dependency
 * with teardown: the code after `yield` runs after the response is sent, or, when the request
 * fails, with the error thrown at the `yield` (it may answer with an `HTTPException` instead).
 * Each dependency runs at most once per request unless `useCache: false`.
 *
 * @example
 * const pagination = depends({ query: { skip: z.number().int().default(0), limit: z.number().int().default(100) } },
 *   ({ query }) => query);
 * const session = depends(async function* getSession() {
 *   const s = await pool.connect();
 *   try { yield s; } finally { s.release(); }
 * });
 * app.get("/items", { deps: { page: pagination, db: session } }, ({ deps }) => deps.db.list(deps.page));
 */
export function depends<T>(dependency: Dependency<T>, options: DependencyUseOptions): Dependency<T>;
export function depends<R>(fn: (ctx: DependencyContext<{}>) => R, options?: DependencyUseOptions): Dependency<Resolved<R>>;
export function depends<O extends DependencyDeclaration, R>(declaration: O, fn: (ctx: DependencyContext<O>) => R): Dependency<Resolved<R>>;
export function depends(
  a: Dependency<unknown> | DependencyFunction | DependencyDeclaration,
  b?: DependencyUseOptions | DependencyFunction,
): Dependency<unknown> {
  if (a instanceof Dependency) {
    const options = (b ?? {}) as DependencyUseOptions;
    if (options.lane !== undefined && options.lane !== a.core.lane) {
      return new Dependency(makeCore(a.core.fn, { ...a.core.declaration, lane: options.lane }, a.core.securityScheme), options.useCache ?? a.useCache, a.scopes);
    }
    return new Dependency(a.core, options.useCache ?? a.useCache, a.scopes);
  }
  if (typeof a === "function") {
    const options = (b ?? {}) as DependencyUseOptions;
    return new Dependency(makeCore(a, { lane: options.lane }), options.useCache ?? true, []);
  }
  if (typeof b !== "function") throw new TypeError("depends(declaration, fn): the second argument must be the dependency function");
  return new Dependency(makeCore(b, a), a.useCache ?? true, []);
}
