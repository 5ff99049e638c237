import type { StartedServer } from "./start-server.js";
import { isShutdownMessage } from "./worker-protocol.js";
import process from "node:process";

/** What, besides SIGTERM and SIGINT, makes a server process drain and stop. */
export interface StopTriggers {
  /** The `loopwise:shutdown` message from a cluster primary. */
  shutdownMessage: boolean;
  /** The IPC channel to the parent closing (the primary or the dev supervisor died). */
  parentGone: boolean;
  /** What SIGHUP means here; its default action would kill the process mid-request. */
  hangup: "ignore-with-warning" | "ignore";
}

/**
 * Waits until the server is asked to stop, drains it (no new connections, in-flight requests
 * finish within the graceful timeout, shutdown hooks run) and resolves with the exit code:
 * 0 after a clean drain, 1 when shutdown failed or a second signal asked to stop at once.
 *
 * @example
 * const started = await startServer(spec, settings, process.cwd());
 * process.exit(await runUntilStopped(started, { shutdownMessage: false, parentGone: true, hangup: "ignore-with-warning" }));
 */
export function runUntilStopped({ app, running }: StartedServer, triggers: StopTriggers): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (reason: string) => {
      if (stopping) return;
      stopping = true;
      app.logger.info({ reason }, `${reason}: finishing in-flight requests, then exiting`);
      running.close().then(
        () => {
          app.logger.info("Shutdown complete");
          resolve(0);
        },
        (error: unknown) => {
          app.logger.error({ err: error }, "Shutdown failed");
          resolve(1);
        },
      );
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (!stopping) return stop(`Received ${signal}`);
      app.logger.warn({ signal }, `Received ${signal} again: exiting without waiting for in-flight requests`);
      resolve(1);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    process.on("SIGHUP", () => {
      if (triggers.hangup === "ignore-with-warning") {
        app.logger.warn("Received SIGHUP: ignored; rolling restarts need loopwise serve --workers 2 or more");
      }
    });
    if (triggers.shutdownMessage) {
      process.on("message", (message) => {
        if (isShutdownMessage(message)) stop("Asked to stop by the primary");
      });
    }
    if (triggers.parentGone && typeof process.send === "function") {
      process.once("disconnect", () => stop("The parent process is gone"));
    }
  });
}
