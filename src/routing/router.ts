import type { Dependency } from "../deps/dependency.js";
import { RouteRegistrar } from "./registrar.js";
import type { Handler, RouteOptions } from "./route-options.js";

/** Extra responses, documented in OpenAPI (`{ 404: { description: "Item not found" } }`). */
export type ResponsesOption = NonNullable<RouteOptions["responses"]>;

/** What a router adds to each of its routes, and what `include()` adds on top. */
export interface RouterOptions {
  /** Path prefix: starts with "/" and does not end with one (`/items`). */
  prefix?: string;
  /** OpenAPI tags, before the route's own. */
  tags?: string[];
  /** Dependencies run for effect, before the route's own. */
  dependencies?: readonly Dependency<unknown>[];
  /** OpenAPI extra responses; a route's own entry for the same status wins. */
  responses?: ResponsesOption;
  /** Marks every route deprecated in OpenAPI. */
  deprecated?: boolean;
  /** `false` leaves every route out of the OpenAPI document. */
  includeInSchema?: boolean;
}

/** Options of `app.include(router, ...)` and `router.include(child, ...)`. */
export type IncludeOptions = RouterOptions;

/** A route as a router holds it: full path below the router and merged options. */
export interface RouteDefinition {
  readonly method: string;
  readonly path: string;
  readonly options: RouteOptions;
  readonly handler: Handler<any, any>;
}

/**
 * A group of routes with a shared prefix, tags, dependencies and responses, included into an app
 * (or another router) with `include()` (FastAPI's `APIRouter`). Routes are copied when included:
 * routes added to a router afterwards are not seen by whoever included it.
 *
 * @example
 * const items = new Router({ prefix: "/items", tags: ["items"], dependencies: [verifyToken],
 *   responses: { 404: { description: "Not found" } } });
 * items.get("/", () => listItems());
 * items.get("/{item_id}", { path: { item_id: z.number().int() } }, ({ path }) => getItem(path.item_id));
 * app.include(items, { prefix: "/v1" }); // GET /v1/items/, GET /v1/items/{item_id}
 */
export class Router extends RouteRegistrar {
  readonly prefix: string;
  readonly #settings: RouterOptions;
  readonly #routes: RouteDefinition[] = [];

  constructor(options: RouterOptions = {}) {
    super();
    this.prefix = checkPrefix(options.prefix ?? "");
    this.#settings = options;
  }

  /** The routes of this router (and of the routers it included), with this router's settings applied. */
  get routes(): readonly RouteDefinition[] {
    return this.#routes;
  }

  override route(method: string, path: string, options: RouteOptions, handler: Handler<any, any>): this {
    this.#routes.push(applyRouterOptions(this.#settings, this.prefix, { method: method.toUpperCase(), path, options, handler }));
    return this;
  }

  /**
   * Adds every route of another router, below this router's prefix, with `options` applied
   * between this router's settings and the child's.
   *
   * @example
   * const api = new Router({ prefix: "/api" });
   * api.include(users, { prefix: "/v1", tags: ["v1"] }); // /api/v1/users/...
   */
  include(router: Router, options: IncludeOptions = {}): this {
    for (const route of includedRoutes(router, options)) {
      this.#routes.push(applyRouterOptions(this.#settings, this.prefix, route));
    }
    return this;
  }
}

/** A router's routes as seen through `include(router, options)`. */
export function includedRoutes(router: Router, options: IncludeOptions): RouteDefinition[] {
  const prefix = checkPrefix(options.prefix ?? "");
  return router.routes.map((route) => applyRouterOptions(options, prefix, route));
}

/**
 * FastAPI's merge order: the outer settings come first (tags, dependencies), inner responses win
 * over outer ones for the same status, and `deprecated` / `includeInSchema` from either apply.
 */
function applyRouterOptions(settings: RouterOptions, prefix: string, route: RouteDefinition): RouteDefinition {
  const path = prefix + route.path;
  const options: RouteOptions = { ...route.options };
  const tags = [...(settings.tags ?? []), ...(route.options.tags ?? [])];
  if (tags.length > 0) options.tags = [...new Set(tags)];
  const dependencies = [...(settings.dependencies ?? []), ...(route.options.dependencies ?? [])];
  if (dependencies.length > 0) options.dependencies = dependencies;
  if (settings.responses || route.options.responses) options.responses = { ...settings.responses, ...route.options.responses };
  if (settings.deprecated && route.options.deprecated === undefined) options.deprecated = true;
  if (settings.includeInSchema === false) options.includeInSchema = false;
  return { method: route.method, path, options, handler: route.handler };
}

function checkPrefix(prefix: string): string {
  if (prefix !== "" && (!prefix.startsWith("/") || prefix.endsWith("/"))) {
    throw new Error(`A router prefix must start with "/" and not end with "/": ${JSON.stringify(prefix)}`);
  }
  return prefix;
}
