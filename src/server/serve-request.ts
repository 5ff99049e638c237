import type { App } from "../app.js";
import { Request, type BackgroundJob, type RequestSource } from "../request.js";
import type { Response } from "../responses/response.js";
import { errorResponse } from "../errors/error-response.js";
import { isPreparable, prepareResponse } from "../responses/prepare.js";
import { writeResponse, type ResponseSink } from "./write-response.js";

/**
 * One request from arrival to the last byte and its background jobs. The socket adapter and the
 * TestClient both come through here, so tests exercise the same path as production.
 */
export async function serveRequest(
  app: App,
  source: RequestSource,
  sink: ResponseSink,
  beforeWrite?: (response: Response, req: Request) => void,
): Promise<void> {
  const req = new Request(source);
  const watch = app.watch;
  watch?.begin(req);
  // One async function from arrival to the last byte: each layer of `await` costs every request.
  try {
    let response: Response;
    try {
      // Load shedding answers before any of the request's work starts.
      const answer = watch?.refuse(req) ?? app.dispatchUncaught(req);
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
    beforeWrite?.(response, req);
    try {
      const streaming = writeResponse(sink, response, req.method);
      if (streaming) await streaming;
    } catch (error) {
      app.logger.error({ err: error, reqId: req.context.id, route: req.context.route }, `Streaming the response of ${req.method} ${req.path} failed`);
    }
    // The request is done once written: background jobs are not part of its latency.
    watch?.end(req, sink);
    const jobs = req.takeBackgroundJobs();
    if (jobs) await runBackgroundJobs(app, req, jobs);
  } finally {
    // A no-op after the line above; here for a request that failed before it.
    watch?.end(req, sink);
    const cleanups = req.takeCleanups();
    if (cleanups) await runBackgroundJobs(app, req, cleanups);
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
