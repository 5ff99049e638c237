import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../app.js";
import { errorResponse } from "../errors/error-response.js";
import type { ConnectionState } from "./node-listener.js";
import { writeResponse } from "./write-response.js";

type Listener = (im: IncomingMessage, sr: ServerResponse) => void;

/**
 * Answers 503 with `Retry-After` to any request that arrives while `limit` requests are already
 * in flight in this process (uvicorn's `--limit-concurrency`). The refused request never reaches
 * the app, so it costs one small write and keeps memory bounded under overload.
 *
 * @example
 * const listener = limitConcurrency(createRequestListener(app, state), app, state, 100);
 */
export function limitConcurrency(listener: Listener, app: App, state: ConnectionState, limit: number): Listener {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limitConcurrency must be a positive integer, got ${limit}`);
  return (im, sr) => {
    if (state.inFlight < limit) {
      listener(im, sr);
      return;
    }
    const response = errorResponse(app.errorFormat, 503, "Service Unavailable: too many requests in flight", { "retry-after": "1" });
    // An unread request body cannot be skipped cheaply on a kept-alive connection.
    if (!im.complete) response.headers["connection"] = "close";
    void writeResponse(sr, response, im.method ?? "GET");
  };
}
