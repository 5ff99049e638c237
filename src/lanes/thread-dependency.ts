import type { IncomingHttpHeaders } from "node:http";
import { SecurityScopes } from "../deps/security-scopes.js";
import { Request } from "../request.js";
import type { HeaderMap } from "../responses/headers.js";
import { Response } from "../responses/response.js";
import type { ResponseSettings } from "../routing/route-options.js";
import { BufferBodySource } from "../server/body-source.js";
import type { ThreadPool } from "./thread-pool.js";
import { callOnThread, registerThreadFunction, type ThreadFunction } from "./thread-function.js";
import { performance } from "node:perf_hooks";

/** What a dependency's context offers that can cross to a pool thread. */
export interface ThreadDependencyContext {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  cookies: Record<string, unknown>;
  body: unknown;
  form: Record<string, unknown>;
  deps: Record<string, unknown>;
  readonly req: Request;
  readonly res: ResponseSettings;
  readonly securityScopes?: { readonly scopes: readonly string[] };
}

/** The context as plain data, the way it crosses threads. */
interface ContextData {
  readonly values: readonly [path: unknown, query: unknown, headers: unknown, cookies: unknown, body: unknown, form: unknown, deps: unknown];
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: IncomingHttpHeaders;
  readonly pathParams: Record<string, string>;
  readonly client: { host: string; port: number } | undefined;
  readonly requestId: number;
  readonly route: string;
  readonly scopes: readonly string[];
}

/** The value, and the status and headers the dependency set on `res` (if it touched them). */
interface Outcome {
  readonly value: unknown;
  readonly res: { readonly status: number; readonly headers: HeaderMap } | undefined;
}

const NEVER = new AbortController().signal;

/**
 * A dependency function registered for the thread lane. The dependency system calls
 * {@link ThreadDependency.run} with the dependency's context; the function then runs on a pool
 * thread with the same validated parameters, sub-dependency values and request data (copied as
 * plain data), and headers or cookies it sets on `res` reach the response.
 *
 * A thread-lane dependency cannot have teardown (a generator yielding once): its setup and
 * teardown would have to run on the same thread, which the pool does not promise.
 *
 * @example
 * // in makeCore(), for `depends(fn, { lane: "thread" })`:
 * const thread = threadDependency(fn, name);
 * // in the resolver, instead of calling fn(ctx):
 * return thread.run(ctx);
 */
export class ThreadDependency {
  readonly #ref: ThreadFunction<[ContextData], Promise<Outcome>>;
  readonly #pool: ThreadPool | undefined;

  /** @internal Use {@link threadDependency}. */
  constructor(ref: ThreadFunction<[ContextData], Promise<Outcome>>, pool: ThreadPool | undefined) {
    this.#ref = ref;
    this.#pool = pool;
  }

  /** `dependency currentUser`. */
  get name(): string {
    return this.#ref.name;
  }

  /** Runs the dependency on a pool thread and resolves with its value. */
  async run(ctx: ThreadDependencyContext): Promise<unknown> {
    const req = ctx.req;
    const data: ContextData = {
      values: [ctx.path, ctx.query, ctx.headers, ctx.cookies, ctx.body, ctx.form, ctx.deps],
      method: req.method,
      url: req.url,
      requestHeaders: req.headers,
      pathParams: req.pathParams,
      client: req.client,
      requestId: req.context.id,
      route: req.context.route,
      scopes: ctx.securityScopes?.scopes ?? [],
    };
    const outcome = await callOnThread(this.#ref, [data], { pool: this.#pool });
    if (outcome.res) {
      const res = ctx.res;
      if (outcome.res.status !== 0) res.status = outcome.res.status;
      for (const name in outcome.res.headers) res.headers[name] = outcome.res.headers[name]!;
    }
    return outcome.value;
  }
}

/**
 * Registers `fn` as a thread-lane dependency (at module top level, where `depends()` runs), so
 * that pool threads find it again when they import the module.
 *
 * @param name how messages name it (the function's name by default).
 * @param module `import.meta.url` of a module that registers it on import (default: the caller's).
 * @example
 * const dep = threadDependency(({ headers }) => verifySync(headers.authorization), "currentUser");
 */
export function threadDependency(
  fn: (ctx: any) => unknown,
  name = fn.name || "anonymous",
  options: { module?: string | undefined; pool?: ThreadPool | undefined } = {},
): ThreadDependency {
  const onThread = async (data: ContextData): Promise<Outcome> => {
    const [path, query, headers, cookies, body, form, deps] = data.values;
    const req = new Request({
      method: data.method,
      url: data.url,
      headers: data.requestHeaders,
      body: new BufferBodySource(new Uint8Array(0)),
      client: data.client,
      context: { id: data.requestId, method: data.method, url: data.url, route: data.route, startedAt: performance.now(), profile: undefined },
    });
    req.pathParams = data.pathParams;
    let res: Response | undefined;
    const ctx = {
      path,
      query,
      headers,
      cookies,
      body,
      form,
      deps,
      req,
      get res(): ResponseSettings {
        // Status 0 marks "not set here": the route's own status stays unless the dependency sets one.
        return (res ??= new Response(null, { status: 0 }));
      },
      signal: NEVER,
      securityScopes: new SecurityScopes(data.scopes),
    };
    const result = fn(ctx);
    if (isGenerator(result)) {
      throw new TypeError(`dependency ${name} is on the thread lane and yields: a thread-lane dependency cannot have teardown; keep the generator on the loop lane`);
    }
    const value = await result;
    return { value, res: res && { status: res.status, headers: res.headers } };
  };
  Object.defineProperty(onThread, "name", { value: name });
  return new ThreadDependency(registerThreadFunction("dependency", onThread, { module: options.module }), options.pool);
}

function isGenerator(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as Generator).next === "function" &&
    typeof (value as Generator).throw === "function" &&
    (Symbol.iterator in value || Symbol.asyncIterator in value)
  );
}
