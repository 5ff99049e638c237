import type { Request } from "../request.js";
import type { HandlerContextImpl } from "../routing/handler-context.js";
import type { ValidationIssue } from "../schema/index.js";
import { Dependency, type DependencyCore, type DependencyMap, type SubDependency } from "./dependency.js";
import type { DependencyOverrides } from "./overrides.js";
import { DependencyResolver, FAILED, type BodyReaders } from "./resolve.js";
import { TeardownStack } from "./teardown.js";

/** What a route declares about dependencies, with what it inherits from its app. */
export interface RouteDependencies {
  /** App-, router- and route-level dependencies run for effect, in that order. */
  readonly dependencies: readonly Dependency<unknown>[];
  /** Named dependencies whose values the handler receives under `deps`. */
  readonly deps: DependencyMap | undefined;
}

/** What the route itself reads from the body, besides its dependencies. */
export interface RouteBodyUse {
  readonly json: boolean;
  readonly form: boolean;
}

const NO_SCOPES: readonly string[] = Object.freeze([]);

/**
 * A route's dependencies, checked once at registration: the top-level list in FastAPI's order
 * (`dependencies` first, then `deps`), whether anything in the graph reads the body, and that
 * every path parameter a dependency declares is in the route's path.
 */
export class DependencyPlan {
  readonly entries: readonly SubDependency[];
  /** Whether the route or a dependency reads a JSON body / form fields (read before resolving, as FastAPI does). */
  readonly readsJson: boolean;
  readonly readsForm: boolean;

  constructor(label: string, pathParamNames: readonly string[], declared: RouteDependencies, route: RouteBodyUse) {
    const entries: SubDependency[] = declared.dependencies.map((dependency) => ({ name: undefined, dependency }));
    for (const [name, dependency] of Object.entries(declared.deps ?? {})) entries.push({ name, dependency });
    for (const { name, dependency } of entries) {
      if (!(dependency instanceof Dependency)) {
        throw new TypeError(`${label}: ${name === undefined ? "every entry of dependencies" : `deps.${name}`} must be made with depends(...) (or a security helper)`);
      }
    }
    this.entries = entries;
    let readsJson = route.json;
    let readsForm = route.form;
    for (const core of reachableCores(entries)) {
      for (const name of Object.keys(core.declaration.path ?? {})) {
        if (!pathParamNames.includes(name)) throw new Error(`${label}: dependency ${core.name} declares path parameter "${name}", which is not in the path`);
      }
      readsJson ||= core.validators.body !== undefined;
      readsForm ||= core.validators.form !== undefined;
    }
    if (readsJson && readsForm) throw new Error(`${label}: the route and its dependencies read both a JSON body and form fields; a request has one body`);
    this.readsJson = readsJson;
    this.readsForm = readsForm;
  }

  /** Starts resolving for one request. */
  start(ctx: HandlerContextImpl, overrides: DependencyOverrides | undefined, body: BodyReaders): RequestDependencies {
    return new RequestDependencies(this, ctx, overrides, body);
  }
}

/** Every dependency core reachable from a list, each once. */
export function reachableCores(entries: readonly SubDependency[]): DependencyCore[] {
  const seen = new Set<DependencyCore>();
  const stack = entries.map((entry) => entry.dependency.core).reverse();
  const out: DependencyCore[] = [];
  while (stack.length > 0) {
    const core = stack.pop()!;
    if (seen.has(core)) continue;
    seen.add(core);
    out.push(core);
    for (let i = core.subDependencies.length - 1; i >= 0; i--) stack.push(core.subDependencies[i]!.dependency.core);
  }
  return out;
}

/**
 * The dependencies of one request: resolution, then teardown, either after the response is sent
 * or, when the request fails, right away with the error (so a dependency can replace it).
 */
export class RequestDependencies {
  readonly #plan: DependencyPlan;
  readonly #ctx: HandlerContextImpl;
  readonly #body: BodyReaders;
  readonly #teardown = { afterResponse: new TeardownStack(), beforeResponse: new TeardownStack() };
  readonly #resolver: DependencyResolver;

  constructor(plan: DependencyPlan, ctx: HandlerContextImpl, overrides: DependencyOverrides | undefined, body: BodyReaders) {
    this.#plan = plan;
    this.#ctx = ctx;
    this.#body = body;
    this.#resolver = new DependencyResolver(ctx, overrides, body, this.#teardown);
  }

  /**
   * Reads the body first when anything needs it (so a malformed body is reported before any
   * dependency runs), then resolves every dependency into `ctx.deps`.
   *
   * @returns the validation errors of the dependencies that were skipped.
   */
  async resolve(): Promise<ValidationIssue[] | undefined> {
    if (this.#plan.readsJson) await this.#body.json();
    else if (this.#plan.readsForm) await this.#body.form();
    const values = await this.#resolver.resolveAll(this.#plan.entries, NO_SCOPES);
    if (values !== FAILED) this.#ctx.deps = values;
    return this.#resolver.issues;
  }

  /** Runs the `teardown: "before-response"` teardowns; an error they raise answers the request. */
  async closeBeforeResponse(): Promise<void> {
    if (this.#teardown.beforeResponse.size === 0) return;
    const left = await this.#teardown.beforeResponse.exit();
    if (left) throw left.error;
  }

  /**
   * Schedules the other teardowns to run once the response has been sent (after its background
   * jobs). "before-response" teardowns still pending (a caller that never called
   * {@link closeBeforeResponse}) run first there, so none is ever skipped.
   */
  closeAfterResponse(req: Request): void {
    const { beforeResponse, afterResponse } = this.#teardown;
    if (beforeResponse.size === 0 && afterResponse.size === 0) return;
    req.background(async () => {
      const left = await afterResponse.exit(await beforeResponse.exit());
      if (left) throw left.error;
    });
  }

  /**
   * Runs every teardown with the request's error, the "before-response" ones first (FastAPI's
   * function scope sits inside its request scope); returns the error that answers the request.
   */
  async fail(error: unknown): Promise<unknown> {
    let thrown = { error };
    for (const stack of [this.#teardown.beforeResponse, this.#teardown.afterResponse]) {
      if (stack.size > 0) thrown = (await stack.exit(thrown)) ?? thrown;
    }
    return thrown.error;
  }
}
