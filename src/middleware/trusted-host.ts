import { PlainTextResponse, RedirectResponse } from "../responses/response.js";
import { parseHostHeader } from "./host-header.js";
import type { Middleware } from "./middleware.js";

/** Options of {@link trustedHost}. */
export interface TrustedHostOptions {
  /** Host names served: exact (`example.com`), wildcard subdomains (`*.example.com`), or `*`. */
  allowedHosts: string[];
  /** When only `www.<host>` is allowed, redirect `<host>` there instead of refusing (default true). */
  wwwRedirect?: boolean;
}

/**
 * Refuses requests whose `Host` header is not one of yours (400 "Invalid host header"), which
 * stops Host-header attacks on password-reset links and cache poisoning. Ports are ignored.
 *
 * @example
 * app.use(trustedHost({ allowedHosts: ["example.com", "*.example.com"] }));
 */
export function trustedHost(options: TrustedHostOptions): Middleware {
  const patterns = options.allowedHosts.map((h) => h.toLowerCase());
  if (patterns.length === 0) throw new Error("trustedHost: allowedHosts must name at least one host (or \"*\")");
  for (const pattern of patterns) {
    if (pattern !== "*" && pattern.includes("*") && !/^\*\.[^*]+$/.test(pattern)) {
      throw new Error(`trustedHost: a wildcard is only allowed as a leading "*.", got ${JSON.stringify(pattern)}`);
    }
  }
  const allowAny = patterns.includes("*");
  const wwwRedirect = options.wwwRedirect ?? true;
  const matches = (host: string) => patterns.some((p) => p === host || (p.startsWith("*.") && host.endsWith(p.slice(1))));

  return async (req, next) => {
    if (allowAny) return next();
    const host = parseHostHeader(req.headers["host"]);
    if (host && matches(host.hostname)) return next();
    if (host && wwwRedirect && matches(`www.${host.hostname}`)) {
      const port = host.port === undefined ? "" : `:${host.port}`;
      // Scheme-relative: the client keeps whichever scheme it used.
      return new RedirectResponse(`//www.${host.hostname}${port}${req.url}`);
    }
    return new PlainTextResponse("Invalid host header", { status: 400 });
  };
}
