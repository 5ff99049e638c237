import type { App } from "../app.js";
import { Request, type BackgroundJob, type RequestSource } from "../request.js";
import type { Response } from "../responses/response.js";
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
  const response = await app.handle(req);
  // A body nobody read cannot be skipped cheaply on a kept-alive connection: close it instead.
  if (req.bodySource.unread) response.headers["connection"] = "close";
  beforeWrite?.(response, req);
  try {
    await writeResponse(sink, response, req.method);
  } catch (error) {
    app.logger.error({ err: error, reqId: req.context.id, route: req.context.route }, `Streaming the response of ${req.method} ${req.path} failed`);
  }
  const jobs = req.takeBackgroundJobs();
  if (jobs) await runBackgroundJobs(app, req, jobs);
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
