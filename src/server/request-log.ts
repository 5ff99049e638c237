import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logging.js";
import { profileSummaryOf } from "../watch/app-watch.js";
import { profileText } from "../watch/profile-format.js";
import { performance } from "node:perf_hooks";

type Listener = (im: IncomingMessage, sr: ServerResponse) => void;

/**
 * The server's access log (uvicorn's `--access-log`): one line per request once its response is
 * finished or its connection is gone, in the shape
 * `127.0.0.1:51234 - "GET /items/1 HTTP/1.1" 200 1.2 ms`. It wraps the socket listener, so it
 * also sees requests the app never handled (refused by `limitConcurrency`, malformed targets).
 *
 * @example
 * const listener = logRequests(createRequestListener(app, state), app.logger);
 */
export function logRequests(listener: Listener, logger: Logger): Listener {
  return (im, sr) => {
    const started = performance.now();
    sr.once("close", () => {
      const ms = Number((performance.now() - started).toFixed(1));
      const client = `${im.socket.remoteAddress ?? "-"}:${im.socket.remotePort ?? "-"}`;
      const status = sr.writableFinished ? sr.statusCode : 499;
      // The request's profile (phases, outbound calls, the hint), when the app's watchdog made one.
      const profile = profileSummaryOf(sr);
      const detail = profile === undefined ? "" : profileText(profile);
      logger.info(
        { event: "access", client, method: im.method, url: im.url, httpVersion: im.httpVersion, status, ms, ...(profile === undefined ? {} : { profile }) },
        `${client} - "${im.method} ${im.url} HTTP/${im.httpVersion}" ${status}${sr.writableFinished ? "" : " (client gone)"} ${ms} ms${detail === "" ? "" : ` (${detail})`}`,
      );
    });
    listener(im, sr);
  };
}
