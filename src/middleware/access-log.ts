import type { Logger } from "../logging.js";
import type { Middleware } from "./middleware.js";
import { performance } from "node:perf_hooks";

/**
 * Logs one line when a request starts and one when its response is ready, with the request id,
 * so the order in which a server really served concurrent requests is visible (SCENARIOS S7).
 *
 * @example
 * app.use(accessLog(app.logger));
 * // {"msg":"→ GET /slow","reqId":3,...}  {"msg":"← GET /slow 200 4003.2 ms","reqId":3,...}
 */
export function accessLog(logger: Logger): Middleware {
  return async (req, next) => {
    const id = req.context.id;
    logger.info({ reqId: id, event: "start", method: req.method, url: req.url }, `→ ${req.method} ${req.url}`);
    const start = performance.now();
    const response = await next();
    const ms = performance.now() - start;
    logger.info(
      { reqId: id, event: "end", method: req.method, url: req.url, status: response.status, ms: Number(ms.toFixed(1)) },
      `← ${req.method} ${req.url} ${response.status} ${ms.toFixed(1)} ms`,
    );
    return response;
  };
}
