import type { IncomingHttpHeaders } from "node:http";
import { parse as parseQueryString } from "node:querystring";
import type { BodySource } from "./server/body-source.js";
import { parseCookieHeader } from "./responses/cookies.js";
import type { RequestContext } from "./watch/request-context.js";

/** How a request learns that its client went away (the socket closed before the response ended). */
export type CloseWatcher = (onClientGone: () => void) => void;

/**
 * Everything a Request is built from; the socket adapter and the TestClient each provide one.
 * `headers` and `client` are read on first use only, so a source may compute them in getters
 * (Node builds a request's header object only when asked for it).
 */
export interface RequestSource {
  readonly method: string;
  /** Path and query as sent: `/items/5?q=x`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The first value sent under a lowercase header `name`, without building `headers` (optional). */
  firstHeader?(name: string): string | undefined;
  readonly body: BodySource;
  readonly client?: { host: string; port: number } | undefined;
  /** Called as a method of the source. */
  watchClose?: CloseWatcher | undefined;
  readonly context: RequestContext;
}

/** A function run after the response is sent (FastAPI's BackgroundTasks). */
export type BackgroundJob = () => unknown;

/** Something with `run(...args)`, such as a `task()`: run on its own lane after the response. */
export interface BackgroundRunnable<A extends unknown[]> {
  run(...args: A): unknown;
}

/**
 * The incoming request, as handlers, dependencies and middleware see it. Query, cookies and the
 * abort signal are computed on first use, so a route that never reads them never pays for them.
 *
 * @example
 * app.get("/whoami", async ({ req }) => ({ ip: req.client?.host, agent: req.headers["user-agent"] }));
 */
export class Request {
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  /** The path, still percent-encoded; inside a mounted app, the part after the mount prefix. */
  path: string;
  /** The prefixes of the mounts this request went through (`/api/v1`), "" at the top level. */
  rootPath = "";
  /** The query string without `?` ("" when none). */
  readonly queryString: string;
  /** The running request's watchdog context (id, route). */
  readonly context: RequestContext;
  /** Decoded path parameters of the matched route, as strings. */
  pathParams: Record<string, string> = {};
  readonly #source: RequestSource;
  #client: { host: string; port: number } | undefined | null = null;
  #body: BodySource;
  #query: Record<string, string | string[]> | undefined;
  #cookies: Record<string, string> | undefined;
  #state: Record<string, unknown> | undefined;
  #abort: AbortController | undefined;
  #background: BackgroundJob[] | undefined;
  #cleanups: BackgroundJob[] | undefined;

  constructor(source: RequestSource) {
    this.method = source.method;
    this.url = source.url;
    const q = source.url.indexOf("?");
    this.path = q === -1 ? source.url : source.url.slice(0, q);
    this.queryString = q === -1 ? "" : source.url.slice(q + 1);
    this.context = source.context;
    this.#source = source;
    this.#body = source.body;
  }

  /** Lowercase header names, as Node parses them (and keeps, once built). */
  get headers(): IncomingHttpHeaders {
    return this.#source.headers;
  }

  /**
   * The first value sent under the header `name` (lowercase). Unlike `headers[name]`, repeated
   * headers are not joined, and on a socket it does not make Node build the header object, which
   * costs a request that reads no other header more than the lookup itself.
   *
   * @example
   * app.get("/", ({ req }) => ({ debug: req.firstHeader("x-debug") === "1" }));
   */
  firstHeader(name: string): string | undefined {
    const source = this.#source;
    if (source.firstHeader !== undefined) return source.firstHeader(name);
    const value = source.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  /** The peer's address and port as the connection reported them at arrival; undefined when unknown. */
  get client(): { host: string; port: number } | undefined {
    if (this.#client === null) this.#client = this.#source.client;
    return this.#client;
  }

  /** Query parameters; repeated keys give arrays. */
  get query(): Record<string, string | string[]> {
    return (this.#query ??= this.queryString === "" ? Object.create(null) : (parseQueryString(this.queryString) as Record<string, string | string[]>));
  }

  /** Cookies from the `Cookie` header. */
  get cookies(): Record<string, string> {
    return (this.#cookies ??= parseCookieHeader(this.headers.cookie));
  }

  /** Per-request scratch space for middleware and dependencies. */
  get state(): Record<string, unknown> {
    return (this.#state ??= {});
  }

  /** Aborts when the client disconnects before the response is complete. */
  get signal(): AbortSignal {
    if (!this.#abort) {
      const controller = new AbortController();
      this.#abort = controller;
      this.#source.watchClose?.(() => controller.abort(new Error("The client disconnected")));
    }
    return this.#abort.signal;
  }

  /**
   * @internal Calls `callback` if the client disconnects before the response is complete; a
   * cheaper {@link signal} for the framework's own use (the thread lane cancels its call).
   */
  onClientGone(callback: () => void): void {
    if (this.#abort) this.#abort.signal.addEventListener("abort", callback, { once: true });
    else this.#source.watchClose?.(callback);
  }

  /** The body source (read once): use {@link bytes}, {@link text} or {@link json} unless streaming. */
  get bodySource(): BodySource {
    return this.#body;
  }

  /** The whole body, at most `limit` bytes (413 beyond). */
  bytes(limit = 1024 * 1024): Promise<Buffer> {
    return this.#body.read(limit);
  }

  /** The body decoded as UTF-8. */
  async text(limit?: number): Promise<string> {
    return (await this.bytes(limit)).toString("utf8");
  }

  /**
   * Runs `job(...args)` after the response has been sent, like FastAPI's BackgroundTasks; a
   * `task()` runs on the thread lane. A failure is logged, never lost.
   *
   * @example
   * req.background(sendEmail, user.email, "Welcome");
   * req.background(resizeImage, upload); // a task(): runs on the thread pool
   */
  background<A extends unknown[]>(job: ((...args: A) => unknown) | BackgroundRunnable<A>, ...args: A): void {
    const run: BackgroundJob =
      typeof job === "function" ? (args.length === 0 ? (job as BackgroundJob) : () => job(...args)) : () => job.run(...args);
    (this.#background ??= []).push(run);
  }

  /**
   * @internal Runs `cleanup` at the very end of the request, after the response and the background
   * jobs, even when anything failed (the temporary files of uploads).
   */
  addCleanup(cleanup: BackgroundJob): void {
    (this.#cleanups ??= []).push(cleanup);
  }

  /** @internal Takes the registered cleanups (the server runs them last). */
  takeCleanups(): BackgroundJob[] | undefined {
    const cleanups = this.#cleanups;
    this.#cleanups = undefined;
    return cleanups;
  }

  /** @internal Takes the queued background jobs (the server runs them after sending). */
  takeBackgroundJobs(): BackgroundJob[] | undefined {
    const jobs = this.#background;
    this.#background = undefined;
    return jobs;
  }
}
