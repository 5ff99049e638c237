import type { Request } from "../request.js";
import { appendHeader } from "../responses/headers.js";
import { PlainTextResponse } from "../responses/response.js";
import type { Middleware } from "./middleware.js";

/** Options of {@link cors}, named after Starlette's `CORSMiddleware`. */
export interface CorsOptions {
  /** Origins allowed (`"https://app.example.com"`), or `["*"]` for any. */
  allowOrigins?: string[];
  /** Origins allowed by a pattern, matched against the whole `Origin` value. */
  allowOriginRegex?: RegExp | string;
  /** Methods a preflight may ask for (default `["GET"]`; `["*"]` for all). */
  allowMethods?: string[];
  /** Request headers a preflight may ask for besides the CORS-safelisted ones (`["*"]` for any). */
  allowHeaders?: string[];
  /** Let browsers send cookies and read responses of credentialed requests (default false). */
  allowCredentials?: boolean;
  /** Response headers the browser's script may read. */
  exposeHeaders?: string[];
  /** How long a browser may cache a preflight answer, in seconds (default 600). */
  maxAge?: number;
}

const ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
const SAFELISTED_HEADERS = ["accept", "accept-language", "content-language", "content-type"];

/**
 * Cross-Origin Resource Sharing, as Starlette's `CORSMiddleware` does it: preflight `OPTIONS`
 * requests are answered here (200, or 400 "Disallowed CORS origin, method, headers"), other
 * requests get `Access-Control-Allow-Origin` and friends added to their response. A specific
 * origin (never `*`) is echoed when credentials are allowed, and `Vary: Origin` is set whenever
 * the answer depends on the origin, so caches keep them apart.
 *
 * @example
 * app.use(cors({ allowOrigins: ["https://app.example.com"], allowCredentials: true, allowMethods: ["*"], allowHeaders: ["*"] }));
 */
export function cors(options: CorsOptions = {}): Middleware {
  const origins = new Set(options.allowOrigins ?? []);
  const allowAllOrigins = origins.has("*");
  const originRegex =
    options.allowOriginRegex === undefined
      ? undefined
      : new RegExp(`^(?:${typeof options.allowOriginRegex === "string" ? options.allowOriginRegex : options.allowOriginRegex.source})$`, typeof options.allowOriginRegex === "string" ? "" : options.allowOriginRegex.flags.replace(/[gy]/g, ""));
  const methods = (options.allowMethods ?? ["GET"]).includes("*") ? ALL_METHODS : (options.allowMethods ?? ["GET"]).map((m) => m.toUpperCase());
  const allowAllHeaders = (options.allowHeaders ?? []).includes("*");
  const allowedHeaders = [...new Set([...SAFELISTED_HEADERS, ...(options.allowHeaders ?? []).map((h) => h.toLowerCase())])].sort();
  const credentials = options.allowCredentials ?? false;
  const expose = options.exposeHeaders ?? [];
  const maxAge = options.maxAge ?? 600;
  // With credentials, browsers refuse `*`: the origin must be named.
  const echoOrigin = !allowAllOrigins || credentials;

  const isAllowedOrigin = (origin: string) => allowAllOrigins || origins.has(origin) || (originRegex !== undefined && originRegex.test(origin));

  const preflight = (req: Request, origin: string) => {
    const headers: Record<string, string> = {};
    const failures: string[] = [];
    if (echoOrigin) headers["vary"] = "Origin";
    else headers["access-control-allow-origin"] = "*";
    if (isAllowedOrigin(origin)) {
      if (echoOrigin) headers["access-control-allow-origin"] = origin;
    } else {
      failures.push("origin");
    }
    headers["access-control-allow-methods"] = methods.join(", ");
    headers["access-control-max-age"] = String(maxAge);
    if (credentials) headers["access-control-allow-credentials"] = "true";
    const requestedMethod = String(req.headers["access-control-request-method"]);
    if (!methods.includes(requestedMethod.toUpperCase())) failures.push("method");
    const requestedHeaders = req.headers["access-control-request-headers"];
    if (typeof requestedHeaders === "string" && allowAllHeaders) {
      headers["access-control-allow-headers"] = requestedHeaders;
    } else {
      if (!allowAllHeaders) headers["access-control-allow-headers"] = allowedHeaders.join(", ");
      if (typeof requestedHeaders === "string") {
        const asked = requestedHeaders.split(",").map((h) => h.trim().toLowerCase()).filter((h) => h !== "");
        if (asked.some((h) => !allowedHeaders.includes(h))) failures.push("headers");
      }
    }
    if (failures.length > 0) return new PlainTextResponse(`Disallowed CORS ${failures.join(", ")}`, { status: 400, headers });
    return new PlainTextResponse("OK", { status: 200, headers });
  };

  return async (req, next) => {
    const origin = req.headers["origin"];
    if (typeof origin !== "string") return next();
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) return preflight(req, origin);
    const response = await next();
    const headers = response.headers;
    if (!echoOrigin) {
      headers["access-control-allow-origin"] = "*";
    } else if (isAllowedOrigin(origin)) {
      headers["access-control-allow-origin"] = origin;
    }
    if (echoOrigin) appendHeader(headers, "vary", "Origin");
    if (credentials && headers["access-control-allow-origin"] !== undefined) headers["access-control-allow-credentials"] = "true";
    if (expose.length > 0 && headers["access-control-allow-origin"] !== undefined) headers["access-control-expose-headers"] = expose.join(", ");
    return response;
  };
}
