import { Dependency } from "../deps/dependency.js";
import { addScopes } from "../deps/security-scopes.js";

/**
 * The same dependency, asking for OAuth2 scopes (FastAPI's `Security(dep, scopes=[...])`). The
 * scopes are added to those asked by the dependants above it, reach every dependency below it as
 * `ctx.securityScopes`, and are listed in the operation's OpenAPI security requirement.
 *
 * @example
 * app.get("/users/me/items", { deps: { user: security(currentUser, { scopes: ["items"] }) } },
 *   ({ deps }) => itemsOf(deps.user));
 */
export function security<T>(dependency: Dependency<T>, options: { scopes?: readonly string[]; useCache?: boolean } = {}): Dependency<T> {
  return new Dependency<T>(dependency.core, options.useCache ?? dependency.useCache, addScopes(dependency.scopes, options.scopes ?? []));
}
