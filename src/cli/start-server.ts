import type { App } from "../app.js";
import { configureDefaultThreadPool } from "../lanes/default-pool.js";
import type { RunningServer } from "../server/http-server.js";
import type { AppSpec } from "./app-spec.js";
import { CliError } from "./cli-error.js";
import { loadApp } from "./load-app.js";
import type { ServerSettings } from "./options.js";
import process from "node:process";

/** Names of environment variables the CLI sets for the app (and the thread lane) to read. */
export const THREADS_ENV = "LOOPWISE_THREADS";
export const ENV_NAME_ENV = "LOOPWISE_ENV";

/**
 * Exports the settings the app reads at import time: the log level (the app's pino logger is
 * created when the module runs) and the thread-lane pool size. Done before the app module is
 * imported, and before workers are forked so they inherit it.
 */
export function exportSettingsToEnv(settings: ServerSettings, env: NodeJS.ProcessEnv = process.env): void {
  if (settings.logLevel !== undefined) env["LOG_LEVEL"] = settings.logLevel;
  if (settings.threads !== undefined) env[THREADS_ENV] = String(settings.threads);
}

/**
 * Sizes the process-wide thread pool (used by apps that do not bring their own `pool`) before
 * the app module runs and creates it. An app module that calls `configureDefaultThreadPool()`
 * itself has the last word.
 */
function sizeThreadLane(settings: ServerSettings): void {
  if (settings.threads !== undefined) configureDefaultThreadPool({ size: settings.threads });
}

/** A server process's app, listening. */
export interface StartedServer {
  app: App;
  running: RunningServer;
}

/**
 * Imports the app and starts its HTTP server with the CLI's settings. Signals are left to the
 * caller (the single-process server and cluster workers handle them differently).
 *
 * @example
 * const { app, running } = await startServer(parseAppSpec("src/main.ts"), settings, process.cwd());
 */
export async function startServer(spec: AppSpec, settings: ServerSettings, cwd: string): Promise<StartedServer> {
  exportSettingsToEnv(settings);
  sizeThreadLane(settings);
  const { app } = await loadApp(spec, cwd);
  // An app that silenced its logger (`logger: false`) stays silent; any other follows the flag.
  if (settings.logLevel !== undefined && app.logger.level !== "silent") app.logger.level = settings.logLevel;
  try {
    const running = await app.serve({
      host: settings.host,
      port: settings.port,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      gracefulTimeout: settings.gracefulTimeoutMs,
      ...(settings.limitConcurrency === undefined ? {} : { limitConcurrency: settings.limitConcurrency }),
      accessLog: settings.accessLog,
      handleSignals: false,
    });
    return { app, running };
  } catch (error) {
    // The server already words these two well ("Port 8000 on 127.0.0.1 is already in use: ...").
    const causeCode = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    if (causeCode === "EADDRINUSE" || causeCode === "EACCES") throw new CliError((error as Error).message, 1, { cause: error });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN") {
      throw new CliError(`Cannot listen on ${settings.host}:${settings.port}: ${settings.host} is not an address of this machine`, 1, {
        cause: error,
      });
    }
    throw error;
  }
}
