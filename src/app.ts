import type { Server } from "node:http";
import { errorResponse, type ErrorFormat } from "./errors/error-response.js";
import { ExceptionHandlers, type ErrorClass, type ExceptionHandler } from "./errors/exception-handlers.js";
import { HTTPException } from "./errors/http-exception.js";
import { RequestValidationError } from "./errors/validation-error.js";
import { createLogger, type Logger, type LoggerSetting } from "./logging.js";
import { composeMiddleware, type Middleware } from "./middleware/middleware.js";
import type { Request } from "./request.js";
import { describeValue } from "./describe-value.js";
import { RedirectResponse, Response } from "./responses/response.js";
import { parsePathTemplate } from "./routing/path-template.js";
import { RouteRegistrar } from "./routing/registrar.js";
import { PendingHandler, Route } from "./routing/route.js";
import type { Handler, RouteOptions } from "./routing/route-options.js";
import { RouteTable } from "./routing/route-table.js";
import type { Dependency } from "./deps/dependency.js";
import { DependencyOverrides } from "./deps/overrides.js";
import { includedRoutes, type IncludeOptions, type Router } from "./routing/router.js";
import { buildOpenAPI } from "./openapi/build.js";
import { ApiDocs } from "./openapi/docs.js";
import type { OpenAPIDocument } from "./openapi/document.js";
import type { OpenAPIOptions } from "./openapi/settings.js";
import { AppLanes } from "./lanes/app-lanes.js";
import { AppConsumers, type ConsumeOptions, type MessageHandler } from "./queue/app-consumers.js";
import { configureQueue, type QueueSettings } from "./queue/config.js";
import { closeQueueConnectionsIfOpen } from "./queue/shutdown.js";
import type { ThreadPoolOptions } from "./lanes/pool-options.js";
import type { ThreadPool } from "./lanes/thread-pool.js";
import { isThreadLaneWorker } from "./lanes/worker-context.js";
import { workerServerStub } from "./lanes/worker-server-stub.js";
import { startHttpServer, type ListenOptions, type RunningServer } from "./server/http-server.js";
import { AppWatch } from "./watch/app-watch.js";
import type { AppWatchOptions } from "./watch/app-watch-options.js";
import type { WebSocketHandler, WebSocketOptions } from "./websocket/websocket-route.js";
import { WebSocketRoutes } from "./websocket/websocket-routes.js";

/** Something mounted at a path prefix: another App, or a handler such as static files. */
export type MountTarget = App | ((req: Request) => Response | Promise<Response>);

/** A FastAPI-style lifespan: code before `yield` runs at startup, after it at shutdown. */
export type Lifespan = (app: App) => AsyncGenerator<Record<string, unknown> | void, void, unknown>;

/** Options of an {@link App}. */
export interface AppOptions extends OpenAPIOptions {
  /** Dependencies run for effect before every route's own (FastAPI's `FastAPI(dependencies=...)`). */
  dependencies?: readonly Dependency<unknown>[];
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
  /**
   * The thread lane's pool: options for a pool of this app's own, or a `ThreadPool` to share
   * (default: the process-wide pool, see `defaultThreadPool()`).
   */
  pool?: ThreadPoolOptions | ThreadPool;
  /**
   * `import.meta.url` of the module that registers this app's thread-lane routes when imported
   * (default: found from the call stack at registration). Pool threads import it.
   */
  module?: string;
  /** The queue lane: Redis URL (default `REDIS_URL`), key prefix, lock and stalled-check timings. */
  queue?: QueueSettings;
  /**
   * The watchdog and the per-request profile, on by default while the app serves: blocks of the
   * event loop reported with route and stack (threshold 250 ms, 100 ms under `loopwise dev`),
   * `Server-Timing` on responses, opt-in `/metrics`, the dashboard (on in development), load
   * shedding. `false` turns all of it off.
   */
  watchdog?: false | AppWatchOptions;
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
  readonly #websockets = new WebSocketRoutes();
  readonly #exceptionHandlers = new ExceptionHandlers();
  readonly #startupHooks: (() => unknown)[] = [];
  readonly #shutdownHooks: (() => unknown)[] = [];
  readonly #lifespan: Lifespan | undefined;
  readonly #lanes: AppLanes;
  readonly #consumers: AppConsumers;
  /** Replacements for dependencies, for tests (FastAPI's `app.dependency_overrides`). */
  readonly dependencyOverrides = new DependencyOverrides();
  /** The app's watchdog, request profiles, metrics and dashboard; undefined with `watchdog: false`. */
  readonly watch: AppWatch | undefined;
  readonly #dependencies: readonly Dependency<unknown>[];
  readonly #openapiOptions: OpenAPIOptions;
  readonly #docs: ApiDocs;
  #openapi: OpenAPIDocument | undefined;
  #lifespanRun: AsyncGenerator<Record<string, unknown> | void, void, unknown> | undefined;
  #started = false;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
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
    this.#lanes = new AppLanes(this.logger, { pool: options.pool, module: options.module });
    if (options.queue) configureQueue(options.queue);
    this.#consumers = new AppConsumers(this.logger, () => this.#lanes.pool);
    this.#dependencies = options.dependencies ?? [];
    this.#openapiOptions = options;
    this.#docs = new ApiDocs(this.title, options, () => this.openapi());
    // Pool threads import the app's module only to find its thread-lane code: nothing to watch there.
    this.watch = options.watchdog === false || isThreadLaneWorker() ? undefined : new AppWatch(this, options.watchdog ?? {});
  }

  /**
   * The pool running this app's thread-lane routes; `app.pool.stats()` reads its size, busy
   * threads, queue depth and run/wait time percentiles.
   */
  get pool(): ThreadPool {
    return this.#lanes.pool;
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
    const route = new Route(upper, parsePathTemplate(path), options, handler, {
      bodyLimit: this.#bodyLimit,
      dependencies: this.#dependencies,
      dependencyOverrides: this.dependencyOverrides,
    });
    this.#openapi = undefined;
    if (options.lane === "thread") this.#lanes.addRoute(route);
    this.#table.add(upper, route.template, route);
    this.#routes.push(route);
    return this;
  }

  /**
   * Adds every route of a router, below `options.prefix`, with the options' tags, dependencies
   * and responses applied before the router's own (FastAPI's `include_router`).
   *
   * @example
   * app.include(items, { prefix: "/v1", dependencies: [verifyToken] });
   */
  include(router: Router, options: IncludeOptions = {}): this {
    for (const route of includedRoutes(router, options)) this.route(route.method, route.path, route.options, route.handler);
    return this;
  }

  /**
   * The app's OpenAPI 3.1 document (served at `/openapi.json`). Built on first use and kept until
   * a route is added; changes made to the returned object stay until then.
   *
   * @example
   * const document = app.openapi();
   * document["x-tagGroups"] = [{ name: "Store", tags: ["items", "orders"] }];
   */
  openapi(): OpenAPIDocument {
    return (this.#openapi ??= buildOpenAPI(
      { ...this.#openapiOptions, title: this.title, version: this.version, description: this.description },
      this.#routes,
      (message) => this.logger.warn(message),
    ));
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
    // "/" mounts at the root: whatever no route matches (a single-page app's static files).
    if (prefix !== "/" && !/^\/[^?#]*[^/?#]$/.test(prefix)) throw new Error(`Mount prefix must start with "/" and not end with "/": ${JSON.stringify(prefix)}`);
    this.#mounts.push({ prefix, target });
    return this;
  }

  /**
   * Registers a WebSocket route. Parameters and dependencies are validated before the handler
   * runs (a failure refuses the connection with 403 and the errors); the handler then calls
   * `ws.accept()` and talks, and the connection closes (1000) when it returns.
   *
   * @example
   * app.websocket("/rooms/{room}", { query: { token: z.string() } }, async ({ path, ws }) => {
   *   await ws.accept();
   *   for await (const message of ws) await ws.send(`${path.room}: ${message}`);
   * });
   */
  websocket<const P extends string, O extends WebSocketOptions>(path: P, options: O, handler: WebSocketHandler<P, O>): this;
  websocket<const P extends string>(path: P, handler: WebSocketHandler<P, {}>): this;
  websocket(path: string, a: WebSocketOptions | WebSocketHandler<any, any>, b?: WebSocketHandler<any, any>): this {
    const [options, handler] = typeof a === "function" ? [{}, a] : [a, b];
    if (typeof handler !== "function") throw new TypeError(`WEBSOCKET ${path}: the last argument must be the handler function`);
    // The app's dependencies apply to WebSocket routes too, as in FastAPI.
    this.#websockets.add(path, { ...options, dependencies: [...this.#dependencies, ...(options.dependencies ?? [])] }, handler);
    return this;
  }

  /** The app's WebSocket routes and open connections. */
  get websocketRoutes(): WebSocketRoutes {
    return this.#websockets;
  }

  /**
   * Closes every open WebSocket (this app's and its mounted apps') with 1001 Going Away, waiting
   * up to `timeoutMs` for the closing handshakes. The server calls it on shutdown.
   */
  async closeWebSockets(timeoutMs = 5000): Promise<void> {
    const mounted = this.#mounts.map(({ target }) => (target instanceof App ? target.closeWebSockets(timeoutMs) : undefined));
    await Promise.all([this.#websockets.closeAll(timeoutMs), ...mounted]);
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

  /**
   * Consumes messages of a queue (SCENARIOS S5) while the app runs: started after startup,
   * drained at shutdown. With `lane: "thread"` the handler runs on a pool thread, so blocking
   * work in it never delays HTTP requests. Messages come from `publish(queue, message)` on any
   * machine using the same Redis.
   *
   * @example
   * app.consume("thumbnails", function makeThumbnail(msg: { path: string }) { resizeSync(msg.path); }, { lane: "thread" });
   */
  consume<T = any>(queue: string, handler: MessageHandler<T>, options: ConsumeOptions = {}): this {
    this.#consumers.add(queue, handler, options);
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

  /** Runs the lifespan's setup and the startup hooks (once, however many callers race to it). */
  startup(): Promise<void> {
    return (this.#starting ??= this.#runStartup());
  }

  async #runStartup(): Promise<void> {
    this.#stopping = undefined;
    // Pool threads start first and import the app's module: a module they cannot load fails here.
    await this.#lanes.start();
    this.#started = true;
    if (this.#lifespan) {
      this.#lifespanRun = this.#lifespan(this);
      const first = await this.#lifespanRun.next();
      if (first.value && typeof first.value === "object") Object.assign(this.state, first.value);
    }
    for (const hook of this.#startupHooks) await hook();
    await this.#consumers.start();
  }

  /** Runs the shutdown hooks (reverse order) and the lifespan's teardown (once). */
  shutdown(): Promise<void> {
    if (!this.#starting) return Promise.resolve();
    return (this.#stopping ??= this.#starting.then(
      () => this.#runShutdown(),
      () => this.#runShutdown(),
    ).finally(() => {
      this.#starting = undefined;
    }));
  }

  async #runShutdown(): Promise<void> {
    const wasStarted = this.#started;
    this.#started = false;
    let failure: unknown;
    // Consumers stop taking messages first: their handlers may use what the hooks tear down.
    await this.#consumers.close();
    if (wasStarted) {
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
    }
    // Even when startup failed half-way, pool threads it started must not outlive the app.
    await this.#lanes.close();
    await closeQueueConnectionsIfOpen();
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
    // A pool worker imports the app's module only to find its thread-lane code: no server there.
    if (isThreadLaneWorker()) return Promise.resolve(workerServerStub());
    return startHttpServer(this, options);
  }

  /**
   * Answers one request: middleware, routing, the route's pipeline, and error handling.
   * Never rejects: every failure becomes an error response.
   */
  handle(req: Request): Promise<Response> {
    const answer = this.dispatchRequest(req);
    return answer instanceof Promise ? answer : Promise.resolve(answer);
  }

  /**
   * {@link handle} without the promise where the answer is ready at once (a route with nothing to
   * await): what the server and mounted apps call. @internal
   */
  dispatchRequest(req: Request): Promise<Response> | Response {
    // Without middleware, no async function of ours answers a simple request: the hot path of most apps.
    if (this.#middleware.length === 0) return this.#dispatchOrFail(req);
    return this.#handleThroughMiddleware(req);
  }

  /**
   * {@link dispatchRequest} for a caller that catches: without middleware, the route's own answer,
   * which may throw or reject; the caller passes the error to {@link answerFailure}. The server's
   * path does, saving a promise per request (a `.catch` link, and the `then` lookup on the
   * response that resolving it costs). @internal
   */
  dispatchUncaught(req: Request): Promise<Response> | Response | PendingHandler {
    if (this.#middleware.length === 0) return this.#route(req);
    return this.#handleThroughMiddleware(req);
  }

  /** The response for an error thrown by {@link dispatchUncaught}: as {@link dispatchRequest} answers it. @internal */
  answerFailure(req: Request, error: unknown): Promise<Response> {
    return this.#failed(req, error);
  }

  async #handleThroughMiddleware(req: Request): Promise<Response> {
    const stack = (this.#stack ??= composeMiddleware(this.#middleware, (r) => this.#dispatch(r)));
    try {
      const response = await stack(req);
      // A JavaScript middleware (or a cast) can return anything: name the mistake in the log.
      if (!(response instanceof Response)) throw new TypeError(`A middleware returned ${describeValue(response)} instead of a Response`);
      return response;
    } catch (error) {
      return this.#serverError(req, error);
    }
  }

  /** {@link #dispatch} and the outermost net in one function (no middleware in between). */
  #dispatchOrFail(req: Request): Promise<Response> | Response {
    let answer: Promise<Response> | Response;
    try {
      answer = settle(this.#route(req));
    } catch (error) {
      return this.#failed(req, error);
    }
    return answer instanceof Promise ? answer.catch((error: unknown) => this.#failed(req, error)) : answer;
  }

  /** The error's response: an exception handler's, else the bare 500 (also when a handler fails). */
  async #failed(req: Request, error: unknown): Promise<Response> {
    try {
      return await this.#handledError(req, error);
    } catch (unhandled) {
      return this.#serverError(req, unhandled);
    }
  }

  async #dispatch(req: Request): Promise<Response> {
    try {
      return await settle(this.#route(req));
    } catch (error) {
      return this.#handledError(req, error);
    }
  }

  /** Routing: a route's response, a mounted app's, the docs, or the HTTP error to answer. */
  #route(req: Request): Promise<Response> | Response | PendingHandler {
    let lookup = this.#table.lookup(req.method, req.path);
    if (lookup.kind !== "found") {
      const docs = this.#docs.respond(req);
      if (docs) return docs;
    }
    if (lookup.kind !== "found" && this.#mounts.length > 0) {
      const mounted = this.#dispatchToMount(req);
      if (mounted) return mounted;
    }
    if (lookup.kind !== "found" && req.method === "HEAD") {
      const asGet = this.#table.lookup("GET", req.path);
      if (asGet.kind === "found" || lookup.kind === "not-found") lookup = asGet;
    }
    switch (lookup.kind) {
      case "found":
        req.pathParams = lookup.params;
        req.context.route = lookup.route.template.template;
        return lookup.route.run(req);
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
  }

  #dispatchToMount(req: Request): Response | Promise<Response> | undefined {
    for (const { prefix, target } of this.#mounts) {
      if (prefix === "/") return target instanceof App ? target.dispatchRequest(req) : target(req);
      if (req.path !== prefix && !req.path.startsWith(prefix + "/")) continue;
      req.rootPath += prefix;
      req.path = req.path.slice(prefix.length) || "/";
      return target instanceof App ? target.dispatchRequest(req) : target(req);
    }
    return undefined;
  }

  /** Errors answered inside the middleware stack (HTTP and validation errors, registered classes). */
  async #handledError(req: Request, error: unknown): Promise<Response> {
    // As in FastAPI, background work belongs to the response the handler produced: none here.
    req.takeBackgroundJobs();
    const status = error instanceof HTTPException ? error.status : error instanceof RequestValidationError ? 422 : undefined;
    const custom = this.#exceptionHandlers.find(error, status);
    if (custom) return custom(req, error);
    if (error instanceof HTTPException) return errorResponse(this.errorFormat, error.status, error.detail, error.headers);
    if (error instanceof RequestValidationError) return errorResponse(this.errorFormat, 422, undefined, undefined, error.issues);
    throw error;
  }

  /** The outermost net: anything unexpected is logged with its stack and answered with a bare 500. */
  async #serverError(req: Request, error: unknown): Promise<Response> {
    req.takeBackgroundJobs();
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

/** A route's answer as a response or a promise of one (a pending handler chained with `.then`). */
function settle(answer: Promise<Response> | Response | PendingHandler): Promise<Response> | Response {
  return answer instanceof PendingHandler ? answer.toPromise() : answer;
}
