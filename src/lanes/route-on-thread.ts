import { parentPort } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { Request, type BackgroundJob } from "../request.js";
import { HandlerContextImpl } from "../routing/handler-context.js";
import type { Route } from "../routing/route.js";
import type { Response } from "../responses/response.js";
import { isPreparable, prepareResponse } from "../responses/prepare.js";
import { BufferBodySource } from "../server/body-source.js";
import { ResponseValidationError } from "../errors/validation-error.js";
import { requestContext, type RequestContext } from "../watch/request-context.js";
import { encodeError, type EncodedError } from "./error-transport.js";
import { REPLY_ERROR, REPLY_RESPONSE, REPLY_SIDE, transferableBody, type Reply, type ResponseHead, type RouteCall, type SideMessage } from "./messages.js";
import { sendStream } from "./stream-sender.js";
import type { WorkerCancellation } from "./worker-cancellation.js";

const NO_BODY = new Uint8Array(0);

/**
 * Runs a thread-lane route on this worker: rebuilds the request from plain data, validates the
 * body if it crossed raw, calls the handler, and serializes the response here. The bytes go back
 * in the reply; a stream, or a response with background jobs, goes through the side channel.
 */
export async function runRouteCall(call: RouteCall, route: Route, cancellation: WorkerCancellation): Promise<unknown> {
  const [, id, , method, url, path, rootPath, headers, clientHost, clientPort, requestId, startedAt, pathParams] = call;
  const context: RequestContext = { id: requestId, method, url, route: route.template.template, startedAt };
  const req = new Request({
    method,
    url,
    headers,
    body: new BufferBodySource(call[17] ?? NO_BODY),
    client: clientHost === undefined ? undefined : { host: clientHost, port: clientPort },
    context,
    watchClose: (onClientGone) => cancellation.watch(id, onClientGone),
  });
  req.path = path;
  req.rootPath = rootPath;
  req.pathParams = pathParams;
  const ctx = new HandlerContextImpl(req, route.status);
  ctx.path = call[13];
  if (call[14]) ctx.query = call[14];
  if (call[15]) ctx.headers = call[15];
  if (call[16]) ctx.cookies = call[16];
  const validated = call[18];
  if (validated) {
    ctx.body = validated.body;
    if (validated.form) ctx.form = validated.form;
  }
  if (call[19]) ctx.deps = call[19];
  try {
    return await requestContext.run(context, respond, route, ctx, id, validated === undefined, cancellation);
  } catch (error) {
    return [REPLY_ERROR, encodeError(error)] satisfies Reply;
  } finally {
    cancellation.release(id);
    // Left over when the handler failed (e.g. temporary files of an upload): removed before replying.
    const cleanups = req.takeCleanups();
    if (cleanups) await runJobs(cleanups);
  }
}

async function respond(route: Route, ctx: HandlerContextImpl, id: number, bodyIsRaw: boolean, cancellation: WorkerCancellation): Promise<unknown> {
  const result = await route.callHandler(ctx, bodyIsRaw);
  let response: Response;
  try {
    response = route.respond(result, ctx);
  } catch (error) {
    if (error instanceof ResponseValidationError) throw error;
    throw new Error(`${route.label} returned a value that cannot be serialized to JSON: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  }
  // A FileResponse becomes a 200, 206, 304 or 416 from the request's headers, here as on the loop lane.
  if (isPreparable(response)) await prepareResponse(response, ctx.req);
  const jobs = afterResponse(ctx.req);
  const body = response.body;
  if (body !== null && typeof body === "object" && !(body instanceof Uint8Array)) {
    const head: ResponseHead = { status: response.status, headers: response.headers };
    await sendStream(id, head, body, cancellation);
    return [REPLY_SIDE, jobs && (await runJobs(jobs))] satisfies Reply;
  }
  const { body: bytes, transfer } = transferableBody(body);
  if (jobs) {
    const head: ResponseHead = { status: response.status, headers: response.headers };
    // The client gets its response now; the jobs then run on this thread, still counted as busy.
    const side: SideMessage = { loopwiseSide: id, head, body: bytes, port: undefined };
    parentPort!.postMessage(side, transfer);
    return [REPLY_SIDE, await runJobs(jobs)] satisfies Reply;
  }
  const reply: Reply = [REPLY_RESPONSE, response.status, response.headers, bytes];
  return transfer ? move({ [transferableSymbol]: transfer, [valueSymbol]: reply } as never) : reply;
}

async function runJobs(jobs: BackgroundJob[]): Promise<EncodedError[] | undefined> {
  let failures: EncodedError[] | undefined;
  for (const job of jobs) {
    try {
      await job();
    } catch (error) {
      (failures ??= []).push(encodeError(error));
    }
  }
  return failures;
}

/** Background jobs, then cleanups (an upload's temporary files): what runs once the response is out. */
function afterResponse(req: Request): BackgroundJob[] | undefined {
  const jobs = req.takeBackgroundJobs();
  const cleanups = req.takeCleanups();
  if (jobs && cleanups) return jobs.concat(cleanups);
  return jobs ?? cleanups;
}
