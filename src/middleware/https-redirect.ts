import { PlainTextResponse, RedirectResponse } from "../responses/response.js";
import { parseHostHeader } from "./host-header.js";
import type { Middleware } from "./middleware.js";

/** Options of {@link httpsRedirect}. */
export interface HttpsRedirectOptions {
  /**
   * Trust `X-Forwarded-Proto` from a TLS-terminating proxy in front of the app: a request it marks
   * `https` is served, others are redirected. Only enable it when such a proxy always sets the
   * header (default false: every request is plain HTTP, and is redirected).
   */
  trustProxyHeaders?: boolean;
  /** Redirect status (default 307, which keeps the method and body, as Starlette). */
  status?: 301 | 302 | 307 | 308;
}

/**
 * Redirects plain-HTTP requests to the same URL over HTTPS (port 80 is dropped, other ports kept),
 * as Starlette's `HTTPSRedirectMiddleware`. loopwise itself speaks plain HTTP, so this is for a
 * port that only redirects, or behind a proxy with `trustProxyHeaders`.
 *
 * @example
 * app.use(httpsRedirect({ trustProxyHeaders: true }));
 */
export function httpsRedirect(options: HttpsRedirectOptions = {}): Middleware {
  const trustProxy = options.trustProxyHeaders ?? false;
  const status = options.status ?? 307;
  return async (req, next) => {
    if (trustProxy) {
      const forwarded = req.headers["x-forwarded-proto"];
      const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",", 1)[0]?.trim().toLowerCase();
      if (proto === "https") return next();
    }
    const host = parseHostHeader(req.headers["host"]);
    if (!host) return new PlainTextResponse("Invalid host header", { status: 400 });
    const port = host.port === undefined || host.port === 80 || host.port === 443 ? "" : `:${host.port}`;
    return new RedirectResponse(`https://${host.hostname}${port}${req.url}`, { status });
  };
}
