import { RequestValidationError, ResponseValidationError } from "../errors/validation-error.js";
import { isJsonContentType, parseJsonBody } from "../params/json-body.js";
import { readRequestForm } from "../multipart/form-data.js";
import { validateFiles, type FilesShape } from "../multipart/file-params.js";
import { resolveUploadLimits, type ResolvedUploadLimits } from "../multipart/limits.js";
import { isPreparable, prepareResponse } from "../responses/prepare.js";
import { sseRouteResponse } from "../responses/sse.js";
import { itemStream } from "../responses/streaming.js";
import type { Request } from "../request.js";
import { Response } from "../responses/response.js";
import { jsonLinesResponse } from "../responses/json-lines.js";
import { compileBody, compileParams, compileResponse } from "../schema/index.js";
import type { ParamValidator, BodyValidator, ResponseCompiler } from "../schema/index.js";
import type { ValidationIssue } from "../schema/types.js";
import type { Dependency } from "../deps/dependency.js";
import type { DependencyOverrides } from "../deps/overrides.js";
import { DependencyPlan, type RequestDependencies } from "../deps/plan.js";
import { HandlerContextImpl } from "./handler-context.js";
import type { PathTemplate } from "./path-template.js";
import type { Handler, RouteOptions } from "./route-options.js";
import { markRequest } from "../watch/main-lane.js";
import type { RequestProfile } from "../watch/request-profile.js";
import { performance } from "node:perf_hooks";

/** Settings a route inherits from its app. */
export interface RouteDefaults {
  bodyLimit: number;
  /** App-level dependencies, run before the route's own. */
  dependencies?: readonly Dependency<unknown>[];
  /** The app's replacements for dependencies (tests). */
  dependencyOverrides?: DependencyOverrides;
}

/** Calls a handler on its lane; the loop lane calls it directly. */
export type Invoker = (ctx: HandlerContextImpl) => unknown;

/**
 * A registered route, compiled once: its validators, body reader and serializer are chosen at
 * registration so that {@link Route.run} does only the work this route needs.
 */
export class Route {
  readonly method: string;
  readonly template: PathTemplate;
  readonly options: RouteOptions;
  readonly handler: Handler<any, any>;
  /** `GET /items/{item_id}`: how logs, metrics and block reports name the route. */
  readonly label: string;
  readonly #pathValidator: ParamValidator | undefined;
  readonly #undeclaredPathParams: string[];
  readonly #queryValidator: ParamValidator | undefined;
  readonly #headerValidator: ParamValidator | undefined;
  readonly #cookieValidator: ParamValidator | undefined;
  readonly #formValidator: ParamValidator | undefined;
  readonly #files: FilesShape | undefined;
  readonly #uploads: ResolvedUploadLimits;
  readonly #bodyValidator: BodyValidator | undefined;
  readonly #response: ResponseCompiler | undefined;
  readonly #status: number;
  readonly #bodyLimit: number;
  /** Thread lane: the raw body crosses to the worker, which parses and validates it there. */
  readonly #bodyOnThread: boolean;
  /** Nothing to validate, read or resolve before the handler: {@link #executeBare} serves it. */
  readonly #bare: boolean;
  /** The route's dependencies (with the app's), when it has any. */
  readonly dependencyPlan: DependencyPlan | undefined;
  readonly #overrides: DependencyOverrides | undefined;
  #invoke: Invoker;

  constructor(method: string, template: PathTemplate, options: RouteOptions, handler: Handler<any, any>, defaults: RouteDefaults) {
    this.method = method;
    this.template = template;
    this.options = options;
    this.handler = handler;
    this.label = `${method} ${template.template}`;
    if (options.body && options.form) throw new Error(`${this.label}: a route takes either a JSON body or form fields, not both`);
    if (options.body && options.files) throw new Error(`${this.label}: a route takes either a JSON body or uploaded files, not both`);
    // UploadFile objects cannot cross to a worker yet (they would have to travel as spooled paths).
    const declaredPath = options.path ?? {};
    for (const name of Object.keys(declaredPath)) {
      if (!template.paramNames.includes(name)) throw new Error(`${this.label}: path parameter "${name}" is not in the path`);
    }
    this.#pathValidator = options.path ? compileParams("path", options.path) : undefined;
    this.#undeclaredPathParams = template.paramNames.filter((name) => !(name in declaredPath));
    this.#queryValidator = options.query ? compileParams("query", options.query) : undefined;
    this.#headerValidator = options.headers ? compileParams("header", options.headers) : undefined;
    this.#cookieValidator = options.cookies ? compileParams("cookie", options.cookies) : undefined;
    this.#formValidator = options.form ? compileParams("form", options.form) : undefined;
    this.#files = options.files && Object.keys(options.files).length > 0 ? options.files : undefined;
    this.#uploads = resolveUploadLimits(options.uploadLimits);
    this.#bodyValidator = options.body ? compileBody(options.body) : undefined;
    this.#response = options.response ? compileResponse(options.response) : undefined;
    this.#status = options.status ?? 200;
    this.#bodyLimit = options.bodyLimit ?? defaults.bodyLimit;
    this.#bodyOnThread = options.lane === "thread";
    const dependencies = [...(defaults.dependencies ?? []), ...(options.dependencies ?? [])];
    // A body bound for the thread lane is parsed there, not read ahead of the dependencies here.
    const readsAhead = !this.#bodyOnThread;
    this.dependencyPlan =
      dependencies.length > 0 || (options.deps && Object.keys(options.deps).length > 0)
        ? new DependencyPlan(this.label, template.paramNames, { dependencies, deps: options.deps }, { json: !!options.body && readsAhead, form: !!options.form && readsAhead })
        : undefined;
    this.#bare =
      this.dependencyPlan === undefined &&
      !this.#pathValidator && !this.#queryValidator && !this.#headerValidator && !this.#cookieValidator &&
      !this.#bodyValidator && !this.#formValidator && !this.#files;
    this.#overrides = defaults.dependencyOverrides;
    const direct = handler as (ctx: HandlerContextImpl) => unknown;
    this.#invoke = direct;
  }

  /** Replaces how the handler is called (the thread lane sends it to the pool). */
  setInvoker(invoke: Invoker): void {
    this.#invoke = invoke;
  }

  /** Status of a successful response. */
  get status(): number {
    return this.#status;
  }

  /**
   * Runs the route for a request whose path parameters are set: validates every parameter
   * location (collecting all errors), calls the handler on its lane, and builds the response.
   * A route with nothing to validate whose handler returned a promise answers a
   * {@link PendingHandler}: the server awaits the handler itself.
   */
  run(req: Request): Promise<Response> | Response | PendingHandler {
    const ctx = new HandlerContextImpl(req, this.#status);
    if (this.dependencyPlan) return this.#runWithDependencies(req, ctx, this.dependencyPlan);
    return this.#bare ? this.#executeBare(req, ctx) : this.#execute(req, ctx, undefined);
  }

  /**
   * {@link #execute} for a route with nothing to validate or read (no parameters declared, no
   * body, no dependencies), without an `async` function: a handler that returns a value gives its
   * response synchronously, saving the promise and the microtask hops of an async frame on the
   * hottest path there is. Errors are thrown (or rejected) as from {@link #execute}.
   */
  #executeBare(req: Request, ctx: HandlerContextImpl): Promise<Response> | Response | PendingHandler {
    // Nothing runs between the route's start and the handler's call: one clock read for both.
    const started = req.context.profile?.timed === true ? performance.now() : 0;
    ctx.path = req.pathParams;
    const result = this.#enterHandler(ctx);
    if (result instanceof Promise) return new PendingHandler(result, this, ctx, started);
    return this.finishBare(result, ctx, started);
  }

  /** Calls the handler on its lane; a loop-lane call is marked first for the watchdog. */
  #enterHandler(ctx: HandlerContextImpl): unknown {
    // The watchdog's fallback attribution for a block that never ends: the last loop handler entered.
    if (this.options.lane !== "thread") markRequest(ctx.req.context);
    return this.#invoke(ctx);
  }

  /** @internal The bare path's response for the handler's value (also {@link PendingHandler.finish}). */
  finishBare(value: unknown, ctx: HandlerContextImpl, started: number): Promise<Response> | Response {
    const req = ctx.req;
    return this.#finish(value, req, ctx, req.context.profile, started, started, started);
  }

  #finish(result: unknown, req: Request, ctx: HandlerContextImpl, profile: RequestProfile | undefined, started: number, depsDone: number, entered: number): Promise<Response> | Response {
    // A FileResponse decides 200/206/304/416 from the request before middleware sees it.
    if (result instanceof Response && isPreparable(result)) {
      return prepareResponse(result, req).then(() => this.#complete(result, ctx, profile, started, depsDone, entered));
    }
    return this.#complete(result, ctx, profile, started, depsDone, entered);
  }

  /**
   * The handler's result as the response, and the profile's phases: all of them for a timed
   * profile (see RequestProfile.recordPhases), the late ones for a request that made outbound
   * calls, none otherwise (no clock read on the common path).
   */
  #complete(result: unknown, ctx: HandlerContextImpl, profile: RequestProfile | undefined, started: number, depsDone: number, entered: number): Response {
    if (profile === undefined || (!profile.timed && profile.calls === undefined)) return this.#toResponse(result, ctx);
    const returned = performance.now();
    const response = this.#toResponse(result, ctx);
    if (profile.timed) profile.recordPhases(started, depsDone, entered, returned, performance.now());
    else profile.recordLatePhases(returned, performance.now());
    return response;
  }

  /** Dependencies wrap the whole run: a failure anywhere reaches their teardown before the error response. */
  async #runWithDependencies(req: Request, ctx: HandlerContextImpl, plan: DependencyPlan): Promise<Response> {
    const deps = plan.start(ctx, this.#overrides, {
      json: () => (ctx.jsonBody ??= this.#readJsonBody(req)),
      form: () => (ctx.formFields ??= this.#readForm(req)),
    });
    try {
      const response = await this.#execute(req, ctx, deps);
      await deps.closeBeforeResponse();
      deps.closeAfterResponse(req);
      return response;
    } catch (error) {
      throw await deps.fail(error);
    }
  }

  async #execute(req: Request, ctx: HandlerContextImpl, deps: RequestDependencies | undefined): Promise<Response> {
    // The request's profile (watch/): phase times, `performance.now()` only, when they will be shown.
    const profile = req.context.profile;
    const timed = profile?.timed === true;
    const started = timed ? performance.now() : 0;
    // FastAPI's order: the dependencies' errors come first in the 422, then the route's own.
    let issues: ValidationIssue[] | undefined = deps ? await deps.resolve() : undefined;
    const depsDone = !timed || deps === undefined ? started : performance.now();

    if (this.#pathValidator) {
      let result = this.#pathValidator.validate(req.pathParams);
      if (result instanceof Promise) result = await result;
      if (result.ok) {
        const path = result.value;
        for (const name of this.#undeclaredPathParams) path[name] = req.pathParams[name];
        ctx.path = path;
      } else issues = issues ? issues.concat(result.issues) : result.issues;
    } else {
      ctx.path = req.pathParams;
    }
    if (this.#queryValidator) {
      let result = this.#queryValidator.validate(req.query);
      if (result instanceof Promise) result = await result;
      if (result.ok) ctx.query = result.value;
      else issues = issues ? issues.concat(result.issues) : result.issues;
    }
    if (this.#headerValidator) {
      let result = this.#headerValidator.validate(req.headers);
      if (result instanceof Promise) result = await result;
      if (result.ok) ctx.headers = result.value;
      else issues = issues ? issues.concat(result.issues) : result.issues;
    }
    if (this.#cookieValidator) {
      let result = this.#cookieValidator.validate(req.cookies);
      if (result instanceof Promise) result = await result;
      if (result.ok) ctx.cookies = result.value;
      else issues = issues ? issues.concat(result.issues) : result.issues;
    }
    if (this.#bodyOnThread && issues === undefined && ctx.jsonBody === undefined && ctx.formFields === undefined) {
      // Parsed and validated on the worker (callHandler), unless a dependency already read it here.
    } else if (this.#bodyValidator) {
      let result = this.#bodyValidator.validate(await (ctx.jsonBody ??= this.#readJsonBody(req)));
      if (result instanceof Promise) result = await result;
      if (result.ok) ctx.body = result.value;
      else issues = issues ? issues.concat(result.issues) : result.issues;
    } else if (this.#formValidator || this.#files) {
      const fields = await (ctx.formFields ??= this.#readForm(req));
      if (this.#formValidator) {
        let result = this.#formValidator.validate(fields);
        if (result instanceof Promise) result = await result;
        if (result.ok) ctx.form = result.value;
        else issues = issues ? issues.concat(result.issues) : result.issues;
      }
      if (this.#files) {
        const form = await readRequestForm(req, this.#formOptions);
        const result = validateFiles(this.#files, form.files, form.fields);
        if (result.ok) ctx.files = result.value;
        else issues = issues ? issues.concat(result.issues) : result.issues;
      }
    }
    if (issues) throw new RequestValidationError(issues);
    const entered = timed ? performance.now() : 0;
    // Awaited here rather than chained with .then: an async function that returns a promise
    // resolves through two more microtasks, and the chained promise is one more allocation.
    let result = this.#enterHandler(ctx);
    if (result instanceof Promise) result = await result;
    return this.#finish(result, req, ctx, profile, started, depsDone, entered);
  }

  /** Largest body this route reads, in bytes. */
  get bodyLimit(): number {
    return this.#bodyLimit;
  }

  /**
   * @internal Thread lane, on the worker: validates the body when it crossed raw (a 422 if it
   * is invalid), then calls the handler directly.
   */
  async callHandler(ctx: HandlerContextImpl, bodyIsRaw: boolean): Promise<unknown> {
    if (bodyIsRaw && this.#bodyValidator) {
      let result = this.#bodyValidator.validate(await this.#readJsonBody(ctx.req));
      if (result instanceof Promise) result = await result;
      if (!result.ok) throw new RequestValidationError(result.issues);
      ctx.body = result.value;
    } else if (bodyIsRaw && (this.#formValidator || this.#files)) {
      const form = await readRequestForm(ctx.req, this.#formOptions);
      let issues: ValidationIssue[] | undefined;
      if (this.#formValidator) {
        let result = this.#formValidator.validate(form.fields);
        if (result instanceof Promise) result = await result;
        if (result.ok) ctx.form = result.value;
        else issues = result.issues;
      }
      if (this.#files) {
        const result = validateFiles(this.#files, form.files, form.fields);
        if (result.ok) ctx.files = result.value;
        else issues = issues ? issues.concat(result.issues) : result.issues;
      }
      if (issues) throw new RequestValidationError(issues);
    }
    return (this.handler as (ctx: HandlerContextImpl) => unknown)(ctx);
  }

  /** @internal Thread lane, on the worker: the response for a handler's return value. */
  respond(result: unknown, ctx: HandlerContextImpl): Response {
    return this.#toResponse(result, ctx);
  }

  async #readJsonBody(req: Request): Promise<unknown> {
    const profile = req.context.profile;
    const timed = profile?.timed === true;
    const started = timed ? performance.now() : 0;
    const bytes = await req.bytes(this.#bodyLimit);
    if (bytes.length === 0) return undefined;
    const contentType = req.headers["content-type"];
    // FastAPI parses a body without Content-Type as JSON; any other type is not a JSON model.
    if (contentType === undefined || isJsonContentType(contentType)) {
      const value = parseJsonBody(bytes);
      if (timed) profile!.recordParse(started);
      return value;
    }
    throw new RequestValidationError([
      {
        type: "model_attributes_type",
        loc: ["body"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: bytes.toString("utf8"),
      },
    ]);
  }

  async #readForm(req: Request): Promise<Record<string, string | string[]>> {
    const profile = req.context.profile;
    const timed = profile?.timed === true;
    const started = timed ? performance.now() : 0;
    const fields = (await readRequestForm(req, this.#formOptions)).fields;
    if (timed) profile!.recordParse(started);
    return fields;
  }

  get #formOptions() {
    return { bodyLimit: this.#bodyLimit, uploads: this.#uploads, acceptFiles: this.#files !== undefined };
  }

  #toResponse(result: unknown, ctx: HandlerContextImpl): Response {
    if (result instanceof Response) return result;
    const settings = ctx.touchedResponse;
    const items = itemStream(result);
    if (items) {
      const sse = this.options.sse;
      const streamed = sse
        ? sseRouteResponse(items, this.#response, this.label, sse === true ? {} : sse)
        : jsonLinesResponse(items, this.#response, this.label);
      if (settings) mergeSettings(streamed, settings);
      else streamed.status = this.#status;
      return streamed;
    }
    let text: string;
    if (this.#response) {
      const checked = this.#response.validate(result);
      if (!checked.ok) throw new ResponseValidationError(this.label, checked.issues);
      text = this.#response.serialize(checked.value);
    } else {
      text = JSON.stringify(result) ?? "null";
    }
    const response = new Response(text);
    response.headers["content-type"] = "application/json";
    if (settings) mergeSettings(response, settings);
    else response.status = this.#status;
    return response;
  }
}

function mergeSettings(response: Response, settings: Response): void {
  response.status = settings.status;
  for (const name in settings.headers) response.headers[name] = settings.headers[name]!;
}

/**
 * A handler of a route with nothing to validate that returned a promise, with what its response
 * needs. The server awaits {@link promise} itself and calls {@link finish}: compared with
 * chaining `.then`, one promise, one microtask and the `then` lookup on the response less per
 * request. Anything else that routes a request turns it into a promise with {@link toPromise}.
 * @internal
 */
export class PendingHandler {
  readonly promise: Promise<unknown>;
  readonly #route: Route;
  readonly #ctx: HandlerContextImpl;
  readonly #started: number;

  constructor(promise: Promise<unknown>, route: Route, ctx: HandlerContextImpl, started: number) {
    this.promise = promise;
    this.#route = route;
    this.#ctx = ctx;
    this.#started = started;
  }

  /** The response for the value the handler's promise resolved to. */
  finish(value: unknown): Promise<Response> | Response {
    return this.#route.finishBare(value, this.#ctx, this.#started);
  }

  toPromise(): Promise<Response> {
    return this.promise.then((value) => this.finish(value));
  }
}
