import type { Server } from "node:http";
import { errorResponse, type ErrorFormat } from "./errors/error-response.js";
import { ExceptionHandlers, type ErrorClass, type ExceptionHandler } from "./errors/exception-handlers.js";
import { HTTPException } from "./errors/http-exception.js";
import { RequestValidationError } from "./errors/validation-error.js";
import { createLogger, type Logger, type LoggerSetting } from "./logging.js";
import { composeMiddleware, type Middleware } from "./middleware/middleware.js";
import type { Request } from "./request.js";
import { RedirectResponse, type Response } from "./responses/response.js";
import { parsePathTemplate } from "./routing/path-template.js";
import { RouteRegistrar } from "./routing/registrar.js";
import { Route } from "./routing/route.js";
import type { Handler, RouteOptions } from "./routing/route-options.js";
import { RouteTable } from "./routing/route-table.js";
import { startHttpServer, type ListenOptions, type RunningServer } from "./server/http-server.js";

/** Something mounted at a path prefix: another App, or a handler such as static files. */
export type MountTarget = App | ((req: Request) => Response | Promise<Response>);

/** A FastAPI-style lifespan: code before `yield` runs at startup, after it at shutdown. */
export type Lifespan = (app: App) => AsyncGenerator<Record<string, unknown> | void, void, unknown>;

/** Options of an {@link App}. */
export interface AppOptions {
  /** OpenAPI `info.title` (default "loopwise"). */
  title?: string;
  /** OpenAPI `info.version` (default "0.1.0"). */
  version?: string;
  /** OpenAPI `info.description` (Markdown). */
  description?: string;
  /** Logs: `false`, a pino logger, or pino options (default: pino at `info`, or `LOG_LEVEL`). */
  logger?: LoggerSetting;
  /** Largest request body read into memory, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Error bodies: FastAPI's `{"detail"}` (default) or RFC 9457 `application/problem+json`. */
  errorFormat?: ErrorFormat;
  /** Redirect `/x` ↔ `/x/` (307) when only the other exists (default true). */
  redirectSlashes?: boolean;
  /** Setup and teardown around the app's life; a yielded object is merged into `app.state`. */
  lifespan?: Lifespan;
}

/**
 * A loopwise application: routes, middleware, exception handlers and lifespan.
 *
 * @example
 * import { App, HTTPException } from "loopwise";
 * import { z } from "zod";
 *
 * export const app = new App({ title: "Inventory" });
 * app.get("/items/{item_id}", { path: { item_id: z.number().int().min(0) } }, async ({ path }) => {
 *   if (path.item_id > 100) throw new HTTPException(404, "Item not found");
 *   return { id: path.item_id };
 * });
 * await app.listen({ port: 8000 });
 */
export class App extends RouteRegistrar {
  readonly title: string;
  readonly version: string;
  readonly description: string | undefined;
  readonly logger: Logger;
  /** Application-wide state, shared by all requests (FastAPI's `app.state`). */
  readonly state: Record<string, unknown> = {};
  readonly errorFormat: ErrorFormat;
  readonly #bodyLimit: number;
  readonly #redirectSlashes: boolean;
  readonly #table = new RouteTable<Route>();
  readonly #routes: Route[] = [];
  readonly #middleware: Middleware[] = [];
  readonly #mounts: { prefix: string; target: MountTarget }[] = [];
  readonly #exceptionHandlers = new ExceptionHandlers();
  readonly #startupHooks: (() => unknown)[] = [];
  readonly #shutdownHooks: (() => unknown)[] = [];
  readonly #lifespan: Lifespan | undefined;
  #lifespanRun: AsyncGenerator<Record<string, unknown> | void, void, unknown> | undefined;
  #started = false;
  #stack: ((req: Request) => Promise<Response>) | undefined;

  constructor(options: AppOptions = {}) {
    super();
    this.title = options.title ?? "loopwise";
    this.version = options.version ?? "0.1.0";
    this.description = options.description;
    this.logger = createLogger(options.logger);
    this.errorFormat = options.errorFormat ?? "fastapi";
    this.#bodyLimit = options.bodyLimit ?? 1024 * 1024;
    this.#redirectSlashes = options.redirectSlashes ?? true;
    this.#lifespan = options.lifespan;
  }

  /** Every registered route, in declaration order. */
  get routes(): readonly Route[] {
    return this.#routes;
  }

  /** Whether startup has run and shutdown has not. */
  get started(): boolean {
    return this.#started;
  }

  override route(method: string, path: string, options: RouteOptions, handler: Handler<any, any>): this {
    const upper = method.toUpperCase();
    const route = new Route(upper, parsePathTemplate(path), options, handler, { bodyLimit: this.#bodyLimit });
    this.#table.add(upper, route.template, route);
    this.#routes.push(route);
    return this;
  }

  /**
   * Serves everything under `prefix` with another app (its own routes, middleware and docs) or a
   * handler (static files). Inside, `req.path` is the part after the prefix and `req.rootPath`
   * the prefix. Routes of this app are matched first.
   *
   * @example
   * app.mount("/v2", apiV2);
   * app.mount("/static", staticFiles({ directory: "public" }));
   */
  mount(prefix: string, target: MountTarget): this {
    if (!/^\/[^?#]*[^/?#]$/.test(prefix)) throw new Error(`Mount prefix must start with "/" and not end with "/": ${JSON.stringify(prefix)}`);
    this.#mounts.push({ prefix, target });
    return this;
  }

  /** What is mounted, in order. */
  get mounts(): readonly { prefix: string; target: MountTarget }[] {
    return this.#mounts;
  }

  /**
   * Adds middleware around every request (including 404s); the first added runs outermost.
   *
   * @example
   * app.use(processTime());
   */
  use(middleware: Middleware): this {
    this.#middleware.push(middleware);
    this.#stack = undefined;
    return this;
  }

  /**
   * Answers errors of a class (and its subclasses), or of an HTTP status, with your own response.
   *
   * @example
   * app.exceptionHandler(NotFoundError, (req, err) => new JSONResponse({ detail: err.message }, { status: 404 }));
   */
  exceptionHandler<E>(key: ErrorClass<E> | number, handler: ExceptionHandler<E>): this {
    this.#exceptionHandlers.add(key as ErrorClass | number, handler);
    return this;
  }

  /** Runs `hook` at startup, before the server accepts requests. */
  onStartup(hook: () => unknown): this {
    this.#startupHooks.push(hook);
    return this;
  }

  /** Runs `hook` at shutdown, after in-flight requests finished (reverse order of registration). */
  onShutdown(hook: () => unknown): this {
    this.#shutdownHooks.push(hook);
    return this;
  }

  /** Runs the lifespan's setup and the startup hooks (once). */
  async startup(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    if (this.#lifespan) {
      this.#lifespanRun = this.#lifespan(this);
      const first = await this.#lifespanRun.next();
      if (first.value && typeof first.value === "object") Object.assign(this.state, first.value);
    }
    for (const hook of this.#startupHooks) await hook();
  }

  /** Runs the shutdown hooks (reverse order) and the lifespan's teardown (once). */
  async shutdown(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    let failure: unknown;
    for (const hook of [...this.#shutdownHooks].reverse()) {
      try {
        await hook();
      } catch (error) {
        failure ??= error;
        this.logger.error({ err: error }, "A shutdown hook failed");
      }
    }
    const run = this.#lifespanRun;
    this.#lifespanRun = undefined;
    if (run) await run.next();
    if (failure) throw failure;
  }

  /**
   * Starts an HTTP server: runs startup, listens, and (by default) drains and exits on SIGTERM/SIGINT.
   *
   * @example
   * const server = await app.listen({ port: 8000, host: "127.0.0.1" });
   */
  async listen(options: ListenOptions = {}): Promise<Server> {
    const running = await this.serve(options);
    return running.server;
  }

  /** Like {@link listen}, returning a handle with `close()` for graceful shutdown. */
  serve(options: ListenOptions = {}): Promise<RunningServer> {
    return startHttpServer(this, options);
  }

  /**
   * Answers one request: middleware, routing, the route's pipeline, and error handling.
   * Never rejects: every failure becomes an error response.
   */
  async handle(req: Request): Promise<Response> {
    const stack = (this.#stack ??=
      this.#middleware.length === 0 ? (r: Request) => this.#dispatch(r) : composeMiddleware(this.#middleware, (r) => this.#dispatch(r)));
    try {
      return await stack(req);
    } catch (error) {
      return this.#serverError(req, error);
    }
  }

  async #dispatch(req: Request): Promise<Response> {
    try {
      let lookup = this.#table.lookup(req.method, req.path);
      if (lookup.kind !== "found" && this.#mounts.length > 0) {
        const mounted = this.#dispatchToMount(req);
        if (mounted) return await mounted;
      }
      if (lookup.kind !== "found" && req.method === "HEAD") {
        const asGet = this.#table.lookup("GET", req.path);
        if (asGet.kind === "found" || lookup.kind === "not-found") lookup = asGet;
      }
      switch (lookup.kind) {
        case "found":
          req.pathParams = lookup.params;
          req.context.route = lookup.route.template.template;
          return await lookup.route.run(req);
        case "method-not-allowed": {
          const allow = lookup.allow.includes("GET") && !lookup.allow.includes("HEAD") ? [...lookup.allow, "HEAD"] : lookup.allow;
          throw new HTTPException(405, "Method Not Allowed", { allow: allow.join(", ") });
        }
        case "redirect":
          if (this.#redirectSlashes) {
            return new RedirectResponse(lookup.path + (req.queryString ? `?${req.queryString}` : ""));
          }
          throw new HTTPException(404, "Not Found");
        case "not-found":
          throw new HTTPException(404, "Not Found");
      }
    } catch (error) {
      return this.#handledError(req, error);
    }
  }

  #dispatchToMount(req: Request): Response | Promise<Response> | undefined {
    for (const { prefix, target } of this.#mounts) {
      if (req.path !== prefix && !req.path.startsWith(prefix + "/")) continue;
      req.rootPath += prefix;
      req.path = req.path.slice(prefix.length) || "/";
      return target instanceof App ? target.handle(req) : target(req);
    }
    return undefined;
  }

  /** Errors answered inside the middleware stack (HTTP and validation errors, registered classes). */
  async #handledError(req: Request, error: unknown): Promise<Response> {
    const status = error instanceof HTTPException ? error.status : error instanceof RequestValidationError ? 422 : undefined;
    const custom = this.#exceptionHandlers.find(error, status);
    if (custom) return custom(req, error);
    if (error instanceof HTTPException) return errorResponse(this.errorFormat, error.status, error.detail, error.headers);
    if (error instanceof RequestValidationError) return errorResponse(this.errorFormat, 422, undefined, undefined, error.issues);
    throw error;
  }

  /** The outermost net: anything unexpected is logged with its stack and answered with a bare 500. */
  async #serverError(req: Request, error: unknown): Promise<Response> {
    const custom = this.#exceptionHandlers.find(error, 500);
    if (custom) {
      try {
        return await custom(req, error);
      } catch (handlerError) {
        error = handlerError;
      }
    }
    this.logger.error(
      { err: error, reqId: req.context.id, method: req.method, url: req.url, route: req.context.route },
      `Unhandled error in ${req.method} ${req.context.route || req.path}`,
    );
    return errorResponse(this.errorFormat, 500, "Internal Server Error");
  }
}
