import type { Dependency } from "../deps/dependency.js";
import { authorizationParts, headerValue } from "./authorization.js";
import { notAuthenticated } from "./not-authenticated.js";
import { securityDependency, withDescription, type MaybeMissing, type SecurityOptions } from "./security-dependency.js";

/** Options of {@link oauth2PasswordBearer}. */
export interface OAuth2PasswordBearerOptions<AutoError extends boolean> extends SecurityOptions<AutoError> {
  /** Where clients (and the docs' "Authorize" button) post the password form to get a token. */
  tokenUrl: string;
  /** Where a token can be refreshed. */
  refreshUrl?: string;
  /** The scopes the API knows, with a description each (shown by "Authorize"). */
  scopes?: Record<string, string>;
}

/**
 * OAuth2 with the password flow and bearer tokens, as a dependency giving the token from
 * `Authorization: Bearer <token>`. A missing header, an empty token or another scheme answer 401
 * `Not authenticated` with `WWW-Authenticate: Bearer`. In the docs, "Authorize" posts the
 * password form to `tokenUrl` (see `oauth2PasswordRequestForm`). Ask for scopes with
 * `security(dep, { scopes })`.
 *
 * @example
 * const oauth2 = oauth2PasswordBearer({ tokenUrl: "token", scopes: { "items:read": "Read items" } });
 * const currentUser = depends({ deps: { token: oauth2 } }, ({ deps }) => userFromToken(deps.token));
 */
export function oauth2PasswordBearer<const AutoError extends boolean = true>(
  options: OAuth2PasswordBearerOptions<AutoError>,
): Dependency<MaybeMissing<string, AutoError>> {
  const flow: Record<string, unknown> = {};
  if (options.refreshUrl !== undefined) flow["refreshUrl"] = options.refreshUrl;
  flow["scopes"] = { ...options.scopes };
  flow["tokenUrl"] = options.tokenUrl;
  return bearerToken({ password: flow }, "OAuth2PasswordBearer", options);
}

/** Options of {@link oauth2AuthorizationCodeBearer}. */
export interface OAuth2AuthorizationCodeBearerOptions<AutoError extends boolean> extends SecurityOptions<AutoError> {
  /** Where the user is sent to log in and consent; it redirects back with a code. */
  authorizationUrl: string;
  /** Where the code is exchanged for a token. */
  tokenUrl: string;
  refreshUrl?: string;
  scopes?: Record<string, string>;
}

/**
 * OAuth2 with the authorization code flow (an external identity provider), as a dependency giving
 * the bearer token, like {@link oauth2PasswordBearer}. In the docs, "Authorize" sends the user to
 * `authorizationUrl`, which returns to `/docs/oauth2-redirect`; set `swaggerUiInitOAuth` (at least
 * a `clientId`, and `usePkceWithAuthorizationCodeGrant: true` for public clients).
 *
 * @example
 * const oauth2 = oauth2AuthorizationCodeBearer({
 *   authorizationUrl: "https://login.example.com/authorize",
 *   tokenUrl: "https://login.example.com/token",
 *   scopes: { openid: "Sign in" },
 * });
 */
export function oauth2AuthorizationCodeBearer<const AutoError extends boolean = true>(
  options: OAuth2AuthorizationCodeBearerOptions<AutoError>,
): Dependency<MaybeMissing<string, AutoError>> {
  const flow: Record<string, unknown> = { authorizationUrl: options.authorizationUrl };
  if (options.refreshUrl !== undefined) flow["refreshUrl"] = options.refreshUrl;
  flow["scopes"] = { ...options.scopes };
  flow["tokenUrl"] = options.tokenUrl;
  return bearerToken({ authorizationCode: flow }, "OAuth2AuthorizationCodeBearer", options);
}

/** The bearer token of `Authorization`, documented as an OAuth2 scheme with `flows`. */
function bearerToken<AutoError extends boolean>(
  flows: Record<string, unknown>,
  defaultName: string,
  options: SecurityOptions<AutoError>,
): Dependency<MaybeMissing<string, AutoError>> {
  const autoError = options.autoError !== false;
  const scheme = {
    name: options.schemeName ?? defaultName,
    definition: withDescription({ type: "oauth2", flows }, options.description),
    takesScopes: true,
  };
  return securityDependency(scheme, ({ req }) => {
    const [kind, token] = authorizationParts(headerValue(req, "authorization"));
    // FastAPI would hand over "" for "Bearer " alone; an empty token is no credential at all.
    if (kind.toLowerCase() !== "bearer" || token === "") {
      if (autoError) throw notAuthenticated("Bearer");
      return undefined as MaybeMissing<string, AutoError>;
    }
    return token;
  });
}
