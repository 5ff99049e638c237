/**
 * How a security dependency appears in OpenAPI: a Security Scheme Object under
 * `components.securitySchemes`, referenced by every operation that depends on it.
 */
export interface SecurityScheme {
  /** The key under `components.securitySchemes` (FastAPI's default: the helper's class name). */
  readonly name: string;
  /** The Security Scheme Object (`{ type: "http", scheme: "bearer" }`, ...). */
  readonly definition: Readonly<Record<string, unknown>>;
  /** OAuth2 and OpenID Connect requirements list scopes; other schemes list none. */
  readonly takesScopes: boolean;
}
