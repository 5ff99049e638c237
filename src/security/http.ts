import type { Dependency } from "../deps/dependency.js";
import { authorizationParts, headerValue } from "./authorization.js";
import { notAuthenticated } from "./not-authenticated.js";
import { securityDependency, withDescription, type MaybeMissing, type SecurityOptions } from "./security-dependency.js";
import { Buffer } from "node:buffer";

/** What {@link httpBasic} gives: the decoded user name and password. */
export interface HTTPBasicCredentials {
  username: string;
  password: string;
}

/** What {@link httpBearer} gives: the scheme as sent and the token. */
export interface HTTPAuthorizationCredentials {
  scheme: string;
  credentials: string;
}

/** Options of {@link httpBasic}. */
export interface HTTPBasicOptions<AutoError extends boolean> extends SecurityOptions<AutoError> {
  /** Sent in the challenge: `WWW-Authenticate: Basic realm="..."`. */
  realm?: string;
}

/** Options of {@link httpBearer}. */
export interface HTTPBearerOptions<AutoError extends boolean> extends SecurityOptions<AutoError> {
  /** A hint for clients and docs (`"JWT"`). */
  bearerFormat?: string;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * HTTP Basic authentication (RFC 7617) as a dependency: the `Authorization: Basic <base64>`
 * header decoded into `{ username, password }`. A missing header, another scheme, bad base64,
 * bytes that are not UTF-8, or no `:` answer 401 `Not authenticated` with
 * `WWW-Authenticate: Basic`. Compare passwords with `crypto.timingSafeEqual`.
 *
 * @example
 * const basic = httpBasic({ realm: "admin" });
 * app.get("/users/me", { deps: { credentials: basic } }, ({ deps }) => ({ username: deps.credentials.username }));
 */
export function httpBasic<const AutoError extends boolean = true>(
  options: HTTPBasicOptions<AutoError> = {},
): Dependency<MaybeMissing<HTTPBasicCredentials, AutoError>> {
  const challenge = options.realm === undefined ? "Basic" : `Basic realm="${options.realm.replace(/["\\]/g, "\\$&")}"`;
  const autoError = options.autoError !== false;
  const scheme = {
    name: options.schemeName ?? "HTTPBasic",
    definition: withDescription({ type: "http", scheme: "basic" }, options.description),
    takesScopes: false,
  };
  return securityDependency(scheme, ({ req }) => {
    const [kind, encoded] = authorizationParts(headerValue(req, "authorization"));
    if (kind.toLowerCase() !== "basic") {
      if (autoError) throw notAuthenticated(challenge);
      return undefined as MaybeMissing<HTTPBasicCredentials, AutoError>;
    }
    // FastAPI raises for malformed credentials even without autoError: they were sent, and wrong.
    const decoded = decodeBasic(encoded);
    if (!decoded) throw notAuthenticated(challenge);
    return decoded;
  });
}

function decodeBasic(encoded: string): HTTPBasicCredentials | undefined {
  if (encoded === "" || !BASE64.test(encoded)) return undefined;
  let text: string;
  try {
    text = strictUtf8.decode(Buffer.from(encoded, "base64"));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(":");
  if (colon === -1) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * HTTP Bearer authentication as a dependency: `Authorization: Bearer <token>` gives
 * `{ scheme, credentials }`. A missing header, an empty token or another scheme answer 401
 * `Not authenticated` with `WWW-Authenticate: Bearer`.
 *
 * @example
 * const bearer = httpBearer({ bearerFormat: "JWT" });
 * app.get("/me", { deps: { auth: bearer } }, ({ deps }) => verify(deps.auth.credentials));
 */
export function httpBearer<const AutoError extends boolean = true>(
  options: HTTPBearerOptions<AutoError> = {},
): Dependency<MaybeMissing<HTTPAuthorizationCredentials, AutoError>> {
  const autoError = options.autoError !== false;
  const definition: Record<string, unknown> = { type: "http", scheme: "bearer" };
  if (options.bearerFormat !== undefined) definition["bearerFormat"] = options.bearerFormat;
  const scheme = { name: options.schemeName ?? "HTTPBearer", definition: withDescription(definition, options.description), takesScopes: false };
  return securityDependency(scheme, ({ req }) => {
    const [kind, credentials] = authorizationParts(headerValue(req, "authorization"));
    if (kind.toLowerCase() !== "bearer" || credentials === "") {
      if (autoError) throw notAuthenticated("Bearer");
      return undefined as MaybeMissing<HTTPAuthorizationCredentials, AutoError>;
    }
    return { scheme: kind, credentials };
  });
}
