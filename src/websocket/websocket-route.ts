import { WebSocketServer } from "ws";
import type { IncomingMessage } from "node:http";
import type { Dependency, DependencyMap, DependencyValues } from "../deps/dependency.js";
import type { DependencyOverrides } from "../deps/overrides.js";
import { DependencyPlan } from "../deps/plan.js";
import type { Request } from "../request.js";
import { HandlerContextImpl } from "../routing/handler-context.js";
import type { PathTemplate } from "../routing/path-template.js";
import type { PathParamNames } from "../routing/route-options.js";
import { compileParams, type ParamValidator } from "../schema/index.js";
import type { InferShape, Shape, ValidationIssue } from "../schema/types.js";
import type { AcceptOptions, WebSocketConnection } from "./connection.js";

/** What a WebSocket route declares besides its path and handler. */
export interface WebSocketOptions {
  path?: Shape;
  query?: Shape;
  /** Header names are matched case-insensitively; `x_token` reads `x-token`. */
  headers?: Shape;
  cookies?: Shape;
  /** Dependencies whose values the handler receives under `deps`, resolved before accepting. */
  deps?: DependencyMap;
  /** Dependencies run for their effect before accepting. */
  dependencies?: readonly Dependency<unknown>[];
  /** Largest message accepted, in bytes; a larger frame closes the connection with 1009 (default 16 MiB, as uvicorn). */
  maxPayload?: number;
  /** Milliseconds between pings; a peer that has not answered the previous one is cut off (default 20000; false: never). */
  pingInterval?: number | false;
  /** Negotiate permessage-deflate compression when the client offers it (default false). */
  perMessageDeflate?: boolean;
}

type PathValues<P extends string, O extends WebSocketOptions> = Omit<{ [K in PathParamNames<P>]: string }, keyof NonNullable<O["path"]>> &
  InferShape<O["path"]>;

/** What a WebSocket handler receives: validated parameters, dependencies, and the connection. */
export interface WebSocketContext<P extends string = string, O extends WebSocketOptions = WebSocketOptions> {
  path: PathValues<P, O>;
  query: InferShape<O["query"]>;
  headers: InferShape<O["headers"]>;
  cookies: InferShape<O["cookies"]>;
  deps: DependencyValues<O["deps"]>;
  /** The connection: `accept()` it, then send and receive. */
  ws: WebSocketConnection;
  req: Request;
}

/** A WebSocket route handler; the connection closes (1000) when it returns. */
export type WebSocketHandler<P extends string = string, O extends WebSocketOptions = WebSocketOptions> = (
  ctx: WebSocketContext<P, O>,
) => unknown;

/** The validated parameters of an upgrade request, or every issue found. */
export type WebSocketParams =
  | { ok: true; ctx: HandlerContextImpl; teardown: (error?: unknown) => Promise<unknown> }
  | { ok: false; issues: ValidationIssue[]; teardown: (error?: unknown) => Promise<unknown> };

/**
 * A registered WebSocket route, compiled once: validators, dependency plan, and its own `ws`
 * server (noServer mode) carrying the route's payload limit.
 */
export class WebSocketRoute {
  readonly template: PathTemplate;
  readonly options: WebSocketOptions;
  readonly handler: WebSocketHandler<any, any>;
  readonly label: string;
  readonly wss: WebSocketServer;
  /** Subprotocol and headers the handler chose at `accept()`, per upgrade request. */
  readonly choices = new WeakMap<IncomingMessage, AcceptOptions>();
  readonly #validators: { key: "path" | "query" | "headers" | "cookies"; validator: ParamValidator }[] = [];
  readonly #plan: DependencyPlan | undefined;

  constructor(template: PathTemplate, options: WebSocketOptions, handler: WebSocketHandler<any, any>) {
    this.template = template;
    this.options = options;
    this.handler = handler;
    this.label = `WEBSOCKET ${template.template}`;
    for (const name of Object.keys(options.path ?? {})) {
      if (!template.paramNames.includes(name)) throw new Error(`${this.label}: path parameter "${name}" is not in the path`);
    }
    if (options.path) this.#validators.push({ key: "path", validator: compileParams("path", options.path) });
    if (options.query) this.#validators.push({ key: "query", validator: compileParams("query", options.query) });
    if (options.headers) this.#validators.push({ key: "headers", validator: compileParams("header", options.headers) });
    if (options.cookies) this.#validators.push({ key: "cookies", validator: compileParams("cookie", options.cookies) });
    const dependencies = options.dependencies ?? [];
    this.#plan =
      dependencies.length > 0 || (options.deps && Object.keys(options.deps).length > 0)
        ? new DependencyPlan(this.label, template.paramNames, { dependencies, deps: options.deps }, { json: false, form: false })
        : undefined;
    if (this.#plan && (this.#plan.readsJson || this.#plan.readsForm)) throw new Error(`${this.label}: a WebSocket handshake has no body, so its dependencies cannot read one`);
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: options.maxPayload ?? 16 * 1024 * 1024,
      perMessageDeflate: options.perMessageDeflate ?? false,
      handleProtocols: (offered, im) => {
        const wanted = this.choices.get(im)?.subprotocol;
        return wanted !== undefined && offered.has(wanted) ? wanted : false;
      },
    });
    this.wss.on("headers", (headers, im) => {
      for (const [name, value] of Object.entries(this.choices.get(im)?.headers ?? {})) {
        if (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name) && !/[\r\n\0]/.test(value)) headers.push(`${name}: ${value}`);
      }
    });
  }

  /**
   * Validates path, query, header and cookie parameters and resolves the dependencies, collecting
   * every error, before the connection is accepted.
   */
  async validate(req: Request, overrides: DependencyOverrides | undefined): Promise<WebSocketParams> {
    const ctx = new HandlerContextImpl(req, 200);
    ctx.path = req.pathParams;
    const deps = this.#plan?.start(ctx, overrides, {
      json: () => Promise.reject(new Error("A WebSocket handshake has no body")),
      form: () => Promise.reject(new Error("A WebSocket handshake has no body")),
    });
    const teardown = async (error?: unknown) => {
      if (!deps) return error;
      if (error !== undefined) return deps.fail(error);
      deps.closeAfterResponse(req);
      for (const job of req.takeBackgroundJobs() ?? []) await job();
      return undefined;
    };
    let issues: ValidationIssue[] | undefined = deps ? await deps.resolve() : undefined;
    const raw = { path: req.pathParams, query: req.query, headers: req.headers, cookies: req.cookies };
    for (const { key, validator } of this.#validators) {
      let result = validator.validate(raw[key]);
      if (result instanceof Promise) result = await result;
      if (!result.ok) {
        issues = issues ? issues.concat(result.issues) : result.issues;
        continue;
      }
      if (key === "path") {
        const path = result.value;
        for (const name of this.template.paramNames) if (!(name in path)) path[name] = req.pathParams[name];
        ctx.path = path;
      } else {
        ctx[key] = result.value;
      }
    }
    return issues ? { ok: false, issues, teardown } : { ok: true, ctx, teardown };
  }
}
