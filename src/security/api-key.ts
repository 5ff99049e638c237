import type { Dependency } from "../deps/dependency.js";
import type { Request } from "../request.js";
import { headerValue } from "./authorization.js";
import { notAuthenticated } from "./not-authenticated.js";
import { securityDependency, withDescription, type MaybeMissing, type SecurityOptions } from "./security-dependency.js";

/** Options of the API key helpers. */
export interface APIKeyOptions<AutoError extends boolean> extends SecurityOptions<AutoError> {
  /** The header, query parameter or cookie that carries the key. */
  name: string;
}

type Location = "header" | "query" | "cookie";

const SCHEME_NAMES: Record<Location, string> = { header: "APIKeyHeader", query: "APIKeyQuery", cookie: "APIKeyCookie" };

function apiKey<AutoError extends boolean>(
  location: Location,
  options: APIKeyOptions<AutoError>,
  read: (req: Request) => string | undefined,
): Dependency<MaybeMissing<string, AutoError>> {
  const autoError = options.autoError !== false;
  const scheme = {
    name: options.schemeName ?? SCHEME_NAMES[location],
    definition: withDescription({ type: "apiKey", in: location, name: options.name }, options.description),
    takesScopes: false,
  };
  return securityDependency(scheme, ({ req }) => {
    const key = read(req);
    if (!key) {
      // HTTP requires a challenge with every 401; API keys have no standard one (FastAPI sends "APIKey").
      if (autoError) throw notAuthenticated("APIKey");
      return undefined as MaybeMissing<string, AutoError>;
    }
    return key;
  });
}

/**
 * An API key in a request header, as a dependency giving the key. A missing or empty header
 * answers 401 `Not authenticated` (`WWW-Authenticate: APIKey`).
 *
 * @example
 * const key = apiKeyHeader({ name: "X-API-Key" });
 * app.get("/items", { deps: { key } }, ({ deps }) => listItemsFor(deps.key));
 */
export function apiKeyHeader<const AutoError extends boolean = true>(options: APIKeyOptions<AutoError>): Dependency<MaybeMissing<string, AutoError>> {
  const header = options.name.toLowerCase();
  return apiKey("header", options, (req) => headerValue(req, header));
}

/**
 * An API key in a query parameter (the last one when repeated), as a dependency giving the key.
 *
 * @example
 * const key = apiKeyQuery({ name: "api_key" });
 */
export function apiKeyQuery<const AutoError extends boolean = true>(options: APIKeyOptions<AutoError>): Dependency<MaybeMissing<string, AutoError>> {
  return apiKey("query", options, (req) => {
    const value = Object.hasOwn(req.query, options.name) ? req.query[options.name] : undefined;
    return Array.isArray(value) ? value[value.length - 1] : value;
  });
}

/**
 * An API key in a cookie, as a dependency giving the key.
 *
 * @example
 * const session = apiKeyCookie({ name: "session" });
 */
export function apiKeyCookie<const AutoError extends boolean = true>(options: APIKeyOptions<AutoError>): Dependency<MaybeMissing<string, AutoError>> {
  return apiKey("cookie", options, (req) => (Object.hasOwn(req.cookies, options.name) ? req.cookies[options.name] : undefined));
}
