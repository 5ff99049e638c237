import type { Middleware } from "./middleware.js";
import { performance } from "node:perf_hooks";

/**
 * Adds `X-Process-Time` (seconds, as in FastAPI's docs example) and a `Server-Timing` `app`
 * entry (milliseconds) to every response: the time from entering this middleware until the
 * handler's response is ready, not including sending it.
 *
 * @example
 * app.use(processTime());
 */
export function processTime(options: { header?: string; serverTiming?: boolean } = {}): Middleware {
  const header = (options.header ?? "x-process-time").toLowerCase();
  const serverTiming = options.serverTiming ?? true;
  return async (_req, next) => {
    const start = performance.now();
    const response = await next();
    const ms = performance.now() - start;
    response.headers[header] = (ms / 1000).toFixed(6);
    if (serverTiming) {
      const entry = `app;dur=${ms.toFixed(3)}`;
      const existing = response.headers["server-timing"];
      response.headers["server-timing"] = existing ? `${existing}, ${entry}` : entry;
    }
    return response;
  };
}
