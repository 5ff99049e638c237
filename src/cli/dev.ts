import { spawn, type ChildProcess } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { resolveAppFile } from "./app-spec.js";
import { CliError } from "./cli-error.js";
import { freePort } from "./free-port.js";
import type { DevCommand, ServerSettings } from "./options.js";
import { prettyLogLine } from "./pretty-log.js";
import { ENV_NAME_ENV } from "./start-server.js";
import { TreeWatcher } from "./tree-watcher.js";
import process from "node:process";

/** The `loopwise` executable; two levels up from both src/cli/ and dist/cli/. */
const BIN = fileURLToPath(new URL("../../bin/loopwise.js", import.meta.url));
/** Time a stopping app gets beyond its graceful timeout before it is killed. */
const KILL_MARGIN_MS = 2000;

function seconds(ms: number): string {
  return String(ms / 1000);
}

/** The `serve` command line for the app process, from the dev settings (one process, always). */
export function serveArguments(appText: string, settings: ServerSettings, port: number): string[] {
  const args = ["serve", appText, "--workers", "1", "--host", settings.host, "--port", String(port)];
  args.push("--timeout-keep-alive", seconds(settings.keepAliveTimeoutMs));
  args.push("--timeout-graceful-shutdown", seconds(settings.gracefulTimeoutMs));
  if (settings.threads !== undefined) args.push("--threads", String(settings.threads));
  if (settings.limitConcurrency !== undefined) args.push("--limit-concurrency", String(settings.limitConcurrency));
  if (settings.logLevel !== undefined) args.push("--log-level", settings.logLevel);
  args.push(settings.accessLog ? "--access-log" : "--no-access-log");
  return args;
}

function watchRoots(command: DevCommand, appFile: string, cwd: string): string[] {
  if (command.reloadDirs.length === 0) return [path.dirname(appFile)];
  return command.reloadDirs.map((dir) => {
    const full = path.resolve(cwd, dir);
    let isDir = false;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw new CliError(`--reload-dir ${JSON.stringify(dir)} is not a folder (looked for ${full})`, 2);
    return full;
  });
}

/**
 * `loopwise dev`: runs the app in a child process (`loopwise serve`, one process,
 * `LOOPWISE_ENV=development`), restarts it when a source file changes, and prints its pino
 * logs readably. An app that fails to start is restarted on the next change rather than ending
 * the session. Resolves with 0 after SIGINT/SIGTERM, once the app has stopped.
 *
 * @example
 * const command = parseCommandLine(["dev", "src/main.ts"], process.env);
 * if (command.kind === "dev") process.exit(await runDev(command));
 */
export async function runDev(command: DevCommand, cwd = process.cwd()): Promise<number> {
  const appFile = resolveAppFile(command.app, cwd);
  const roots = watchRoots(command, appFile, cwd);
  const settings = command.settings;
  const port = settings.port === 0 ? await freePort(settings.host) : settings.port;
  const color = process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined;
  const say = (text: string) => process.stdout.write(`${color ? `\x1b[36mdev\x1b[0m` : "dev"}: ${text}\n`);

  let child: ChildProcess | undefined;
  let stopping = false;
  let restarting = false;

  const start = () => {
    const app = spawn(process.execPath, [...process.execArgv, BIN, ...serveArguments(command.appText, settings, port)], {
      cwd,
      env: { ...process.env, [ENV_NAME_ENV]: "development" },
      // The IPC channel lets the app notice when this process dies, and stop with it.
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      // Its own process group: Ctrl-C reaches only this process, which then stops the app with
      // one SIGTERM (a second signal would make the app skip its graceful drain).
      detached: true,
    });
    child = app;
    createInterface({ input: app.stdout! }).on("line", (line) => process.stdout.write(`${prettyLogLine(line, color)}\n`));
    app.stderr!.pipe(process.stderr, { end: false });
    app.once("exit", (code, signal) => {
      if (child !== app) return;
      child = undefined;
      if (!stopping && !restarting) {
        say(`the app ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; waiting for a file change to restart it`);
      }
    });
  };

  const stop = (): Promise<void> => {
    const app = child;
    if (app === undefined || app.exitCode !== null || app.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => app.kill("SIGKILL"), settings.gracefulTimeoutMs + KILL_MARGIN_MS);
      app.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      app.kill("SIGTERM");
    });
  };

  const restart = async (files: string[]) => {
    // Changes that arrive while a restart is under way are in the files the new app will read.
    if (restarting) return;
    restarting = true;
    try {
      const shown = files.map((file) => path.relative(cwd, file) || file);
      say(`${shown.slice(0, 3).join(", ")}${shown.length > 3 ? ` and ${shown.length - 3} more` : ""} changed: restarting`);
      await stop();
      if (!stopping) start();
    } finally {
      restarting = false;
    }
  };

  const watcher = new TreeWatcher(roots, (files) => void restart(files), { onWarning: (message) => say(message) });
  watcher.start();
  say(`watching ${roots.map((root) => path.relative(cwd, root) || ".").join(", ")} (${watcher.size} folders) for changes`);
  start();

  return new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        child?.kill("SIGKILL");
        return;
      }
      stopping = true;
      say(`${signal}: stopping`);
      watcher.close();
      void stop().then(() => resolve(0));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    process.on("SIGHUP", onSignal);
  });
}
