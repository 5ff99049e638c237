import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Request } from "../request.js";
import type { Response } from "../responses/response.js";
import type { InferShape, Schema } from "../schema/types.js";
import type { FilesShape, InferFiles } from "../multipart/file-params.js";
import type { UploadLimits } from "../multipart/limits.js";
import type { SSEOptions } from "../responses/sse.js";
import type { Dependency, DependencyMap, DependencyValues } from "../deps/dependency.js";
import type { ThreadPoolOptions } from "../lanes/pool-options.js";
import type { ParameterOptions, ParameterValues } from "../params/parameter-options.js";

/** Where a route's handler runs: on the event loop, or on the worker-thread pool. */
export type Lane = "loop" | "thread";

/** What a route declares besides its path and handler. */
export interface RouteOptions extends ParameterOptions {
  /** Files of a `multipart/form-data` body: `uploadFile()`, `uploadFiles()`, optional or not. */
  files?: FilesShape;
  /** Limits of a multipart body (sizes, counts, spooling threshold); each answers 413 when exceeded. */
  uploadLimits?: UploadLimits;
  /**
   * Validates and filters the returned value, and documents the response. For a handler that
   * returns an async iterable (JSON Lines, or `sse`), each item is validated against it.
   */
  response?: Schema;
  /** Send an async iterable returned by the handler as Server-Sent Events instead of JSON Lines. */
  sse?: boolean | SSEOptions;
  /** Status of a successful response (default 200). */
  status?: number;
  /** Maximum body size in bytes for this route (default: the app's, 1 MiB). */
  bodyLimit?: number;
  /** Where the handler runs (default "loop"); "thread" runs it on the worker-thread pool. */
  lane?: Lane;
  /**
   * Thread lane: `timeout` and `queueLimit` for this route; `size`, `minSize`, `idleTimeout` or
   * `niceIncrement` give the route a pool of its own (a bulkhead), with the app's pool options
   * as defaults.
   */
  pool?: ThreadPoolOptions;
  /** OpenAPI: one-line summary. */
  summary?: string;
  /** OpenAPI: longer description (Markdown). */
  description?: string;
  /** OpenAPI: tags grouping this operation. */
  tags?: string[];
  /** OpenAPI: operationId (default: FastAPI's `name_path_method` scheme). */
  operationId?: string;
  /** OpenAPI: marks the operation deprecated. */
  deprecated?: boolean;
  /** OpenAPI: leave this route out of the document. */
  includeInSchema?: boolean;
  /** OpenAPI: extra responses by status code. */
  responses?: Record<number | string, { description?: string; schema?: Schema }>;
  /** Dependencies whose values the handler receives, typed, under `deps`. */
  deps?: DependencyMap;
  /** Dependencies run for their effect (values discarded), after the app's and router's, before `deps`. */
  dependencies?: readonly Dependency<unknown>[];
}

/** `"/items/{item_id}/{rest:path}"` → `"item_id" | "rest"`. */
export type PathParamNames<P extends string> = P extends `${string}{${infer Param}}${infer Rest}`
  ? (Param extends `${infer Name}:${string}` ? Name : Param) | PathParamNames<Rest>
  : never;

type PathValues<P extends string, O extends RouteOptions> = Omit<
  { [K in PathParamNames<P>]: string },
  keyof NonNullable<O["path"]>
> &
  InferShape<O["path"]>;

/** The per-request response settings a handler can change (FastAPI's `response: Response` parameter). */
export interface ResponseSettings {
  status: number;
  headers: Response["headers"];
  setCookie: Response["setCookie"];
  deleteCookie: Response["deleteCookie"];
}

/** What a handler receives: validated, typed parameters and the request. */
export interface HandlerContext<P extends string = string, O extends RouteOptions = RouteOptions> extends ParameterValues<O> {
  path: PathValues<P, O>;
  /** Uploaded files, by the names declared in `files`. */
  files: InferFiles<O["files"]>;
  /** Resolved dependencies. */
  deps: DependencyValues<O["deps"]>;
  req: Request;
  /** Status, headers and cookies of the response being built. */
  res: ResponseSettings;
  /** Aborts when the client disconnects. */
  signal: AbortSignal;
}

/** What a handler may return: a value matching `response` (or anything without one), a Response, or a stream. */
export type HandlerResult<O extends RouteOptions> =
  | (O["response"] extends StandardSchemaV1 ? StandardSchemaV1.InferInput<O["response"]> : unknown)
  | Response
  | AsyncIterable<unknown>
  | Generator<unknown, unknown, unknown>;

/** A route handler. */
export type Handler<P extends string = string, O extends RouteOptions = RouteOptions> = (
  ctx: HandlerContext<P, O>,
) => HandlerResult<O> | Promise<HandlerResult<O>>;
