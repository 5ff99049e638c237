/**
 * The OAuth2 scopes required by everything that depends on a dependency: the scopes declared
 * with `security(dep, { scopes })` along the path from the route down to it (FastAPI's
 * `SecurityScopes`). A dependency reads them as `ctx.securityScopes`.
 *
 * @example
 * const currentUser = depends({ deps: { token: oauth2 } }, ({ deps, securityScopes }) => {
 *   const user = decode(deps.token);
 *   for (const scope of securityScopes.scopes) {
 *     if (!user.scopes.includes(scope)) {
 *       throw new HTTPException(401, "Not enough permissions", { "WWW-Authenticate": `Bearer scope="${securityScopes.scopeStr}"` });
 *     }
 *   }
 *   return user;
 * });
 */
export class SecurityScopes {
  readonly scopes: readonly string[];

  constructor(scopes: readonly string[] = []) {
    this.scopes = scopes;
  }

  /** The scopes separated by spaces, as OAuth2 writes them (`"items:read me"`). */
  get scopeStr(): string {
    return this.scopes.join(" ");
  }
}

/** `parent` followed by the scopes of `own` it does not have yet. */
export function addScopes(parent: readonly string[], own: readonly string[]): readonly string[] {
  if (own.length === 0) return parent;
  const merged = [...parent];
  for (const scope of own) if (!merged.includes(scope)) merged.push(scope);
  return merged;
}
