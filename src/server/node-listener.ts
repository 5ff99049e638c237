import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../app.js";
import { errorResponse } from "../errors/error-response.js";
import { nextRequestId, requestContext, type RequestContext } from "../watch/request-context.js";
import { SocketRequestSource } from "./socket-request-source.js";
import { serveRequest, writeFallback500, type ServeHooks } from "./serve-request.js";
import { writeResponse } from "./write-response.js";
import { performance } from "node:perf_hooks";

/** Shared between the listener and the shutdown logic. */
export interface ConnectionState {
  inFlight: number;
  draining: boolean;
  onIdle: (() => void) | undefined;
}

/** The `node:http` request listener: one request context per request, then the shared path. */
export function createRequestListener(app: App, state: ConnectionState): (im: IncomingMessage, sr: ServerResponse) => void {
  const hooks = serverHooks(app, state);
  // Without a watch nothing reads the arrival time: no clock read for it.
  const watched = app.watch !== undefined;
  return (im, sr) => {
    const context: RequestContext = {
      id: nextRequestId(),
      method: im.method ?? "GET",
      url: im.url ?? "/",
      route: "",
      startedAt: watched ? performance.now() : 0,
      profile: undefined,
    };
    state.inFlight++;
    // enterWith, not run(): run() builds a second context frame to put the previous store back,
    // about 1.5% of a small request. Our frame then stays current for the rest of the HTTP
    // parser's pass over this chunk of the socket, which only parses the next pipelined request
    // (whose listener enters its own context); Node restores the socket's frame when it ends.
    requestContext.enterWith(context);
    const url = originFormUrl(im.url);
    if (url === undefined) {
      const response = errorResponse(app.errorFormat, 400, "Bad Request: the request target must be a path");
      response.headers["connection"] = "close";
      void writeResponse(sr, response, context.method);
      requestDone(state);
      return;
    }
    void serveRequest(app, new SocketRequestSource(im, sr, url, context), sr, hooks);
  };
}

/** The server's side of every request: the drain's `Connection: close`, and the in-flight count. */
function serverHooks(app: App, state: ConnectionState): ServeHooks {
  return {
    beforeWrite(response) {
      if (state.draining) response.headers["connection"] = "close";
    },
    settled(sink, req, failure) {
      requestDone(state);
      if (failure === undefined) return;
      app.logger.error({ err: failure.error, reqId: req?.context.id }, "Serving a request failed");
      const sr = sink as ServerResponse;
      if (!sr.headersSent) writeFallback500(sr, app, req?.method ?? "GET");
      else sr.destroy();
    },
  };
}

function requestDone(state: ConnectionState): void {
  if (--state.inFlight === 0 && state.onIdle) state.onIdle();
}

/** `/path?q` as is; an absolute-form target (`http://host/path`) reduced to its path; else undefined. */
function originFormUrl(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  if (target.charCodeAt(0) === 47 /* "/" */) return target;
  if (/^https?:\/\//i.test(target)) {
    try {
      const parsed = new URL(target);
      return parsed.pathname + parsed.search;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
