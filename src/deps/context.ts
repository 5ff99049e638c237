import type { Request } from "../request.js";
import type { HandlerContextImpl } from "../routing/handler-context.js";
import type { ResponseSettings } from "../routing/route-options.js";
import type { SecurityScopes } from "./security-scopes.js";

const EMPTY: Record<string, unknown> = Object.freeze(Object.create(null));

/**
 * The object a dependency function receives. One class for every dependency keeps calls
 * monomorphic; `res` is the handler's, so headers and cookies a dependency sets reach the response.
 */
export class DependencyContextImpl {
  path: Record<string, unknown> = EMPTY;
  query: Record<string, unknown> = EMPTY;
  headers: Record<string, unknown> = EMPTY;
  cookies: Record<string, unknown> = EMPTY;
  body: unknown = undefined;
  form: Record<string, unknown> = EMPTY;
  deps: Record<string, unknown> = EMPTY;
  readonly req: Request;
  readonly securityScopes: SecurityScopes;
  readonly #route: HandlerContextImpl;

  constructor(route: HandlerContextImpl, securityScopes: SecurityScopes) {
    this.req = route.req;
    this.#route = route;
    this.securityScopes = securityScopes;
  }

  get res(): ResponseSettings {
    return this.#route.res;
  }

  get signal(): AbortSignal {
    return this.req.signal;
  }
}
