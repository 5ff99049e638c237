import { RequestValidationError, ResponseValidationError } from "../errors/validation-error.js";
import { isJsonContentType, parseJsonBody } from "../params/json-body.js";
import { parseFormBody } from "../params/form-body.js";
import type { Request } from "../request.js";
import { Response } from "../responses/response.js";
import { jsonLinesResponse } from "../responses/json-lines.js";
import { compileBody, compileParams, compileResponse } from "../schema/index.js";
import type { ParamValidator, BodyValidator, ResponseCompiler } from "../schema/index.js";
import type { ValidationIssue } from "../schema/types.js";
import { HandlerContextImpl } from "./handler-context.js";
import type { PathTemplate } from "./path-template.js";
import type { Handler, RouteOptions } from "./route-options.js";

/** Settings a route inherits from its app. */
export interface RouteDefaults {
  bodyLimit: number;
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
  readonly #bodyValidator: BodyValidator | undefined;
  readonly #response: ResponseCompiler | undefined;
  readonly #status: number;
  readonly #bodyLimit: number;
  #invoke: Invoker;

  constructor(method: string, template: PathTemplate, options: RouteOptions, handler: Handler<any, any>, defaults: RouteDefaults) {
    this.method = method;
    this.template = template;
    this.options = options;
    this.handler = handler;
    this.label = `${method} ${template.template}`;
    if (options.body && options.form) throw new Error(`${this.label}: a route takes either a JSON body or form fields, not both`);
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
    this.#bodyValidator = options.body ? compileBody(options.body) : undefined;
    this.#response = options.response ? compileResponse(options.response) : undefined;
    this.#status = options.status ?? 200;
    this.#bodyLimit = options.bodyLimit ?? defaults.bodyLimit;
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
   */
  async run(req: Request): Promise<Response> {
    const ctx = new HandlerContextImpl(req, this.#status);
    let issues: ValidationIssue[] | undefined;

    if (this.#pathValidator) {
      let result = this.#pathValidator.validate(req.pathParams);
      if (result instanceof Promise) result = await result;
      if (result.ok) {
        const path = result.value;
        for (const name of this.#undeclaredPathParams) path[name] = req.pathParams[name];
        ctx.path = path;
      } else issues = result.issues;
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
    if (this.#bodyValidator) {
      let result = this.#bodyValidator.validate(await this.#readJsonBody(req));
      if (result instanceof Promise) result = await result;
      if (result.ok) ctx.body = result.value;
      else issues = issues ? issues.concat(result.issues) : result.issues;
    } else if (this.#formValidator) {
      let result = this.#formValidator.validate(await this.#readForm(req));
      if (result instanceof Promise) result = await result;
      if (result.ok) ctx.form = result.value;
      else issues = issues ? issues.concat(result.issues) : result.issues;
    }
    if (issues) throw new RequestValidationError(issues);

    let result = this.#invoke(ctx);
    if (result instanceof Promise) result = await result;
    return this.#toResponse(result, ctx);
  }

  async #readJsonBody(req: Request): Promise<unknown> {
    const bytes = await req.bytes(this.#bodyLimit);
    if (bytes.length === 0) return undefined;
    const contentType = req.headers["content-type"];
    // FastAPI parses a body without Content-Type as JSON; any other type is not a JSON model.
    if (contentType === undefined || isJsonContentType(contentType)) return parseJsonBody(bytes);
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
    const bytes = await req.bytes(this.#bodyLimit);
    return parseFormBody(req.headers["content-type"], bytes);
  }

  #toResponse(result: unknown, ctx: HandlerContextImpl): Response {
    if (result instanceof Response) return result;
    const settings = ctx.touchedResponse;
    if (result !== null && typeof result === "object" && Symbol.asyncIterator in result) {
      const streamed = jsonLinesResponse(result as AsyncIterable<unknown>, this.#response, this.label);
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
