import type { App } from "../app.js";
import { Request, type BackgroundJob, type RequestSource } from "../request.js";
import type { Response } from "../responses/response.js";
import { errorResponse } from "../errors/error-response.js";
import { isPreparable, prepareResponse } from "../responses/prepare.js";
import { PendingHandler } from "../routing/route.js";
import { writeResponse, type ResponseSink } from "./write-response.js";

/**
 * What the server (not the TestClient) adds around each request. One object per server, so no
 * request allocates closures for it.
 */
export interface ServeHooks {
  /** Last changes to the response before it is written (the drain's `Connection: close`). */
  beforeWrite?(response: Response, req: Request): void;
  /**
   * Called once, when the request is over (after its background jobs and cleanups), with the
   * error if serving failed in a way no error response could cover. Saves the caller a `.then`
   * on the returned promise: a reaction, a microtask and two closures per request.
   */
  settled?(sink: ResponseSink, req: Request | undefined, failure: { error: unknown } | undefined): void;
}

/**
 * One request from arrival to the last byte and its background jobs. The socket adapter and the
 * TestClient both come through here, so tests exercise the same path as production. It rejects
 * only when there are no hooks to tell (the TestClient's case).
 */
export async function serveRequest(app: App, source: RequestSource, sink: ResponseSink, hooks?: ServeHooks): Promise<void> {
  let req: Request | undefined;
  // One async function from arrival to the last byte: each layer of `await` costs every request.
  try {
    req = new Request(source);
    const watch = app.watch;
    watch?.begin(req);
    let ended = false;
    try {
      let response: Response;
      try {
        // Load shedding answers before any of the request's work starts.
        let answer = watch?.refuse(req) ?? app.dispatchUncaught(req);
        if (answer instanceof PendingHandler) answer = answer.finish(await answer.promise);
        response = answer instanceof Promise ? await answer : answer;
      } catch (error) {
        response = await app.answerFailure(req, error);
      }
      // A FileResponse made outside a route (middleware, exception handler) still needs the request.
      if (isPreparable(response)) {
        try {
          await prepareResponse(response, req);
        } catch (error) {
          app.logger.error({ err: error, reqId: req.context.id, route: req.context.route }, `Preparing the response of ${req.method} ${req.path} failed`);
          response = errorResponse(app.errorFormat, 500, "Internal Server Error");
        }
      }
      // A body nobody read cannot be skipped cheaply on a kept-alive connection: close it instead.
      if (req.bodySource.unread) response.headers["connection"] = "close";
      watch?.respond(req, response);
      hooks?.beforeWrite?.(response, req);
      try {
        const streaming = writeResponse(sink, response, req.method);
        if (streaming) await streaming;
      } catch (error) {
        // Refused before anything went out (a header with a line break, say): the client still gets an answer.
        const refused = !sink.headersSent;
        app.logger.error({ err: error, reqId: req.context.id, route: req.context.route }, `${refused ? "Sending" : "Streaming"} the response of ${req.method} ${req.path} failed`);
        if (refused && !sink.destroyed) writeFallback500(sink, app, req.method);
      }
      // The request is done once written: background jobs are not part of its latency.
      if (watch !== undefined) {
        watch.end(req, sink);
        ended = true;
      }
      const jobs = req.takeBackgroundJobs();
      if (jobs) await runBackgroundJobs(app, req, jobs);
    } finally {
      // For a request that failed before the line above.
      if (watch !== undefined && !ended) watch.end(req, sink);
      const cleanups = req.takeCleanups();
      if (cleanups) await runBackgroundJobs(app, req, cleanups);
    }
  } catch (error) {
    if (hooks?.settled === undefined) throw error;
    hooks.settled(sink, req, { error });
    return;
  }
  hooks?.settled?.(sink, req, undefined);
}

/**
 * The 500 of last resort, with `Connection: close`, for a request whose own response could not be
 * sent (or was never made). Only while nothing of a response went out.
 */
export function writeFallback500(sink: ResponseSink, app: App, method: string): void {
  const response = errorResponse(app.errorFormat, 500, "Internal Server Error");
  response.headers["connection"] = "close";
  try {
    void writeResponse(sink, response, method);
  } catch (error) {
    app.logger.error({ err: error }, "Sending the 500 for a response that could not be sent failed too");
  }
}

async function runBackgroundJobs(app: App, req: Request, jobs: BackgroundJob[]): Promise<void> {
  for (const job of jobs) {
    try {
      await job();
    } catch (error) {
      app.logger.error(
        { err: error, reqId: req.context.id, route: req.context.route },
        `A background job of ${req.method} ${req.path} failed`,
      );
    }
  }
}
