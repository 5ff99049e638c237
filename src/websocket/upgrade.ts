import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { App } from "../app.js";
import type { DependencyOverrides } from "../deps/overrides.js";
import { errorResponse } from "../errors/error-response.js";
import { HTTPException } from "../errors/http-exception.js";
import { Request } from "../request.js";
import { BufferBodySource } from "../server/body-source.js";
import { nextRequestId, requestContext, type RequestContext } from "../watch/request-context.js";
import { WS_1011_INTERNAL_ERROR, WebSocketDisconnect } from "./close-codes.js";
import { WebSocketConnection } from "./connection.js";
import { handshakeProblem, writeHttpResponse } from "./handshake.js";
import type { WebSocketRoute } from "./websocket-route.js";
import type { WebSocketRoutes } from "./websocket-routes.js";
import { performance } from "node:perf_hooks";
import { Buffer } from "node:buffer";

/** The part of an App the upgrade path uses (also mounted sub-apps). */
interface WebSocketApp {
  readonly websocketRoutes: WebSocketRoutes;
  readonly mounts: readonly { prefix: string; target: unknown }[];
}

const EMPTY = Buffer.alloc(0);

/**
 * The `upgrade` listener of the HTTP server (and of the TestClient's in-process connection): finds
 * the WebSocket route, checks the handshake, validates parameters and dependencies, and runs the
 * handler, which accepts or refuses. Refusals before accepting are plain HTTP responses: 404 for
 * no route, 400 for a broken handshake, 403 with the validation errors (FastAPI closes with 1008
 * before accepting, which uvicorn sends as 403), 503 while shutting down.
 */
export function createUpgradeListener(app: App, isDraining: () => boolean = () => false): (im: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (im, socket, head) => {
    socket.on("error", () => socket.destroy());
    const context: RequestContext = { id: nextRequestId(), method: "GET", url: im.url ?? "/", route: "", startedAt: performance.now(), profile: undefined };
    requestContext.run(context, () => {
      serveUpgrade(app, im, socket, head, context, isDraining).catch((error) => {
        app.logger.error({ err: error, reqId: context.id }, "Serving a WebSocket upgrade failed");
        socket.destroy();
      });
    });
  };
}

async function serveUpgrade(app: App, im: IncomingMessage, socket: Duplex, head: Buffer, context: RequestContext, isDraining: () => boolean): Promise<void> {
  const url = im.url ?? "/";
  if (!url.startsWith("/")) return writeHttpResponse(socket, errorResponse(app.errorFormat, 400, "Bad Request: the request target must be a path"));
  const req = new Request({
    method: "GET",
    url,
    headers: im.headers,
    body: new BufferBodySource(EMPTY),
    client: im.socket.remoteAddress ? { host: im.socket.remoteAddress, port: im.socket.remotePort ?? 0 } : undefined,
    context,
  });
  const found = findRoute(app, req);
  if (!found) return writeHttpResponse(socket, errorResponse(app.errorFormat, 404, "Not Found"));
  const { route, routes, owner } = found;
  const problem = handshakeProblem(im);
  if (problem) return writeHttpResponse(socket, errorResponse(app.errorFormat, 400, problem));
  if (isDraining() || routes.closing) return writeHttpResponse(socket, errorResponse(app.errorFormat, 503, "The server is shutting down"));
  context.route = route.template.template;

  const overrides = (owner as { dependencyOverrides?: DependencyOverrides }).dependencyOverrides;
  let params;
  try {
    params = await route.validate(req, overrides);
  } catch (error) {
    return refuseWithError(app, socket, error, route);
  }
  if (!params.ok) {
    await params.teardown();
    return writeHttpResponse(socket, errorResponse(app.errorFormat, 403, undefined, undefined, params.issues));
  }

  const ws = new WebSocketConnection(req, {
    wss: route.wss,
    im,
    socket,
    head,
    pingInterval: route.options.pingInterval ?? 20_000,
    choices: route.choices,
    closing: () => routes.closing || isDraining(),
  });
  routes.track(ws);
  void ws.closed.then(() => routes.untrack(ws));
  const { ctx } = params;
  let failure: unknown;
  try {
    await route.handler({ path: ctx.path, query: ctx.query, headers: ctx.headers, cookies: ctx.cookies, deps: ctx.deps, ws, req });
  } catch (error) {
    failure = error;
  }
  if (ws.refusal || ws.state === "connecting") {
    routes.untrack(ws);
    if (ws.refusal) {
      writeHttpResponse(socket, errorResponse(app.errorFormat, 403, ws.refusal.reason || "Forbidden"));
    } else if (failure !== undefined) {
      refuseWithError(app, socket, failure, route);
    } else {
      // Returning without accepting is refusing, as in Starlette.
      writeHttpResponse(socket, errorResponse(app.errorFormat, 403, "Forbidden"));
    }
  } else if (failure !== undefined && !(failure instanceof WebSocketDisconnect)) {
    app.logger.error({ err: failure, reqId: context.id, route: route.template.template }, `Unhandled error in ${route.label}`);
    await ws.close(WS_1011_INTERNAL_ERROR, "Internal error");
  } else {
    await ws.close();
  }
  try {
    await params.teardown(failure instanceof WebSocketDisconnect ? undefined : failure);
  } catch (error) {
    app.logger.error({ err: error, reqId: context.id, route: route.template.template }, `A dependency teardown of ${route.label} failed`);
  }
}

function refuseWithError(app: App, socket: Duplex, error: unknown, route: WebSocketRoute): void {
  if (error instanceof HTTPException) {
    writeHttpResponse(socket, errorResponse(app.errorFormat, error.status, error.detail, error.headers));
    return;
  }
  app.logger.error({ err: error, route: route.template.template }, `Unhandled error in ${route.label} before accepting`);
  writeHttpResponse(socket, errorResponse(app.errorFormat, 500, "Internal Server Error"));
}

/** The route for the request in this app or a mounted sub-app (whose prefix then moves to `rootPath`). */
function findRoute(app: WebSocketApp, req: Request): { route: WebSocketRoute; routes: WebSocketRoutes; owner: WebSocketApp } | undefined {
  const own = app.websocketRoutes.lookup(req.path);
  if (own) {
    req.pathParams = own.params;
    return { route: own.route, routes: app.websocketRoutes, owner: app };
  }
  for (const { prefix, target } of app.mounts) {
    if (typeof target !== "object" || target === null || !("websocketRoutes" in target)) continue;
    if (prefix === "/") return findRoute(target as WebSocketApp, req);
    if (req.path !== prefix && !req.path.startsWith(prefix + "/")) continue;
    req.rootPath += prefix;
    req.path = req.path.slice(prefix.length) || "/";
    return findRoute(target as WebSocketApp, req);
  }
  return undefined;
}
