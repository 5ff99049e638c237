// Entry module of each `loopwise serve --workers N` worker process (forked by the Supervisor).
// It reads its settings from the environment, serves the app on the shared port, tells the
// primary it is ready (or why it could not start), and drains when asked.
import { CliError } from "./cli-error.js";
import { runUntilStopped } from "./run-until-stopped.js";
import { startServer, type StartedServer } from "./start-server.js";
import { WORKER_CONFIG_ENV, decodeWorkerConfig, isShutdownMessage, type FatalMessage, type ReadyMessage } from "./worker-protocol.js";
import process from "node:process";

function tell(message: ReadyMessage | FatalMessage): Promise<void> {
  return new Promise((resolve) => {
    if (typeof process.send !== "function" || !process.connected) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

const config = decodeWorkerConfig(process.env[WORKER_CONFIG_ENV]);
// The app's own child processes have no use for it.
delete process.env[WORKER_CONFIG_ENV];

let started: StartedServer | undefined;
// Asked to stop before serving (another worker failed to start): nothing to drain.
const stopEarly = (message: unknown) => {
  if (started === undefined && isShutdownMessage(message)) process.exit(0);
};
process.on("message", stopEarly);
process.once("disconnect", () => {
  if (started === undefined) process.exit(0);
});

try {
  started = await startServer(config.app, config.settings, config.cwd);
} catch (error) {
  const known = error instanceof CliError;
  const message = known ? error.message : `Starting the app failed: ${(error as Error)?.message ?? String(error)}`;
  const detail = known ? error.detail : (error as Error)?.stack;
  await tell({ type: "loopwise:fatal", message, exitCode: known ? error.exitCode : 1, ...(detail === undefined ? {} : { detail }) });
  process.exit(1);
}
process.off("message", stopEarly);
await tell({ type: "loopwise:ready", url: started.running.url, port: started.running.port, title: started.app.title });
process.exit(await runUntilStopped(started, { shutdownMessage: true, parentGone: true, hangup: "ignore" }));
