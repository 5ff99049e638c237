import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { siblingModuleUrl } from "../util/worker-url.js";
import { resolveAppFile } from "./app-spec.js";
import { freePort } from "./free-port.js";
import type { ServeCommand } from "./options.js";
import { runUntilStopped } from "./run-until-stopped.js";
import { exportSettingsToEnv, startServer } from "./start-server.js";
import { Supervisor } from "./supervisor.js";
import process from "node:process";

/**
 * `loopwise serve`: one process serving the app, or with `--workers N` a primary supervising N
 * worker processes. Resolves with the exit code once the server has stopped.
 *
 * @example
 * const command = parseCommandLine(["serve", "src/main.ts", "--workers", "2"], process.env);
 * if (command.kind === "serve") process.exit(await serve(command));
 */
export async function serve(command: ServeCommand, cwd = process.cwd()): Promise<number> {
  if (command.workers === 1) {
    const started = await startServer(command.app, command.settings, cwd);
    return runUntilStopped(started, { shutdownMessage: false, parentGone: true, hangup: "ignore-with-warning" });
  }
  // A missing module is reported once, here, rather than by every worker.
  resolveAppFile(command.app, cwd);
  exportSettingsToEnv(command.settings);
  const logger = pino({ level: command.settings.logLevel ?? process.env["LOG_LEVEL"] ?? "info" });
  // Workers, and the replacements of dead ones, must all ask the primary for the same port.
  const port = command.settings.port === 0 ? await freePort(command.settings.host) : command.settings.port;
  const supervisor = new Supervisor({
    workers: command.workers,
    config: { app: command.app, settings: { ...command.settings, port }, cwd },
    logger,
    workerEntry: fileURLToPath(siblingModuleUrl(import.meta.url, "cluster-worker")),
  });
  return supervisor.run();
}
