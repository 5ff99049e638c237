import type { Transferable } from "node:worker_threads";
import { HTTPException } from "../errors/http-exception.js";
import type { Logger } from "../logging.js";
import type { Request } from "../request.js";
import type { HeaderMap } from "../responses/headers.js";
import { Response, type ResponseBody } from "../responses/response.js";
import type { HandlerContextImpl } from "../routing/handler-context.js";
import type { Invoker, Route } from "../routing/route.js";
import { decodeError, type EncodedError } from "./error-transport.js";
import { ThreadPoolBusyError } from "./lane-errors.js";
import {
  CALL_ROUTE,
  REPLY_ERROR,
  REPLY_RESPONSE,
  REPLY_SIDE,
  REPLY_SKIPPED,
  transferable,
  type Reply,
  type RouteCall,
  type SideMessage,
} from "./messages.js";
import type { ThreadTarget } from "./registry.js";
import { StreamReceiver } from "./stream-receiver.js";
import type { ThreadPool } from "./thread-pool.js";

/** Per-route limits on top of the pool's. */
export interface RouteLaneLimits {
  /** Overrides the pool's timeout for this route (ms). */
  readonly timeout: number | undefined;
  /** This route's calls allowed to wait beyond the pool's size (on a shared pool). */
  readonly queueLimit: number | undefined;
}

/**
 * The invoker of a thread-lane route, on the main thread: sends the validated parameters and the
 * raw body (transferred when it owns its memory) to a pool thread, and turns the reply back into
 * the same Response or error the loop lane would have produced.
 */
export function threadRouteInvoker(route: Route, target: ThreadTarget, pool: () => ThreadPool, limits: RouteLaneLimits, logger: Logger): Invoker {
  const what = route.label;
  const { options } = route;
  const sendQuery = options.query !== undefined;
  const sendHeaders = options.headers !== undefined;
  const sendCookies = options.cookies !== undefined;
  let inFlight = 0;

  const logBackgroundFailures = (failures: readonly EncodedError[], req: Request) => {
    for (const failure of failures) {
      logger.error({ err: decodeError(failure), reqId: req.context.id, route: req.context.route }, `A background job of ${req.method} ${req.path} failed`);
    }
  };

  return async (ctx: HandlerContextImpl): Promise<Response> => {
    const threads = pool();
    if (limits.queueLimit !== undefined && inFlight >= threads.options.size + limits.queueLimit) throw new ThreadPoolBusyError(what);
    const req = ctx.req;
    // A dependency that read the body on this thread consumed it; the validated values cross instead.
    const validatedHere = ctx.jsonBody !== undefined || ctx.formFields !== undefined;
    let body: Uint8Array | undefined;
    let transfer: Transferable[] | undefined;
    if (!validatedHere && hasBody(req)) ({ bytes: body, transfer } = transferable(await req.bytes(route.bodyLimit)));
    const id = threads.nextCallId();
    const call: RouteCall = [
      CALL_ROUTE,
      id,
      target.key,
      req.method,
      req.url,
      req.path,
      req.rootPath,
      req.headers,
      req.client?.host,
      req.client?.port ?? 0,
      req.context.id,
      req.context.startedAt,
      req.pathParams,
      ctx.path,
      sendQuery ? ctx.query : undefined,
      sendHeaders ? ctx.headers : undefined,
      sendCookies ? ctx.cookies : undefined,
      body,
      validatedHere ? { body: ctx.body, form: options.form ? ctx.form : undefined } : undefined,
      route.dependencyPlan ? ctx.deps : undefined,
    ];
    inFlight++;
    // The client going away cancels the call: skipped if still queued, the handler's signal fires if running.
    req.onClientGone(() => threads.cancel(id));
    try {
      return await awaitResponse(threads, call, transfer, what, limits.timeout, (failures) => logBackgroundFailures(failures, req));
    } finally {
      inFlight--;
    }
  };
}

/** Whether the request carries a body (HTTP: a non-zero Content-Length or a Transfer-Encoding). */
function hasBody(req: Request): boolean {
  const declared = req.bodySource.declaredLength;
  return declared !== undefined ? declared > 0 : req.headers["transfer-encoding"] !== undefined;
}

function awaitResponse(
  pool: ThreadPool,
  call: RouteCall,
  transfer: Transferable[] | undefined,
  what: string,
  timeout: number | undefined,
  onBackgroundFailures: (failures: readonly EncodedError[]) => void,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    let stream: StreamReceiver | undefined;
    const onSide = (side: SideMessage) => {
      if (side.port) {
        stream = new StreamReceiver(side.port);
        resolve(responseOf(side.head.status, side.head.headers, stream));
      } else {
        resolve(responseOf(side.head.status, side.head.headers, side.body));
      }
    };
    pool.run(call, transfer, { what, timeout, onSide }).then(
      (reply: Reply) => {
        switch (reply[0]) {
          case REPLY_RESPONSE:
            resolve(responseOf(reply[1], reply[2], reply[3]));
            return;
          case REPLY_ERROR:
            reject(decodeError(reply[1]));
            return;
          case REPLY_SIDE:
            if (reply[1]) onBackgroundFailures(reply[1]);
            return;
          case REPLY_SKIPPED:
            // Only a call whose client left is skipped: nobody reads this answer.
            reject(new HTTPException(499, "Client Closed Request"));
            return;
          default:
            reject(new Error(`${what}: unexpected reply ${JSON.stringify(reply[0])} from the worker thread`));
        }
      },
      (error: Error) => {
        stream?.fail(error);
        reject(error);
      },
    );
  });
}

function responseOf(status: number, headers: HeaderMap, body: ResponseBody): Response {
  const response = new Response(body);
  response.status = status;
  response.headers = headers;
  return response;
}
