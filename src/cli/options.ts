import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseAppSpec, type AppSpec } from "./app-spec.js";
import { CliError, usageError } from "./cli-error.js";
import { parseLogLevel, type PinoLevel } from "./log-level.js";
import { DEV_USAGE, MAIN_USAGE, OPENAPI_USAGE, SERVE_USAGE } from "./usage.js";

/** How one server process listens and behaves; the same for `serve`, its workers and `dev`. */
export interface ServerSettings {
  host: string;
  port: number;
  /** Thread-lane pool size, exported to the app as `LOOPWISE_THREADS`; undefined: the lane's default. */
  threads: number | undefined;
  /** 503 beyond this many in-flight requests per process; undefined: no limit. */
  limitConcurrency: number | undefined;
  keepAliveTimeoutMs: number;
  gracefulTimeoutMs: number;
  /** undefined: whatever the app's logger (or `LOG_LEVEL`) says. */
  logLevel: PinoLevel | undefined;
  accessLog: boolean;
}

export interface ServeCommand {
  kind: "serve";
  app: AppSpec;
  /** The app argument as typed, to hand on to child processes. */
  appText: string;
  workers: number;
  settings: ServerSettings;
}

export interface DevCommand {
  kind: "dev";
  app: AppSpec;
  appText: string;
  /** Folders to watch; empty: the app module's folder. */
  reloadDirs: string[];
  settings: ServerSettings;
}

export interface OpenapiCommand {
  kind: "openapi";
  app: AppSpec;
}

/** Print `text` (help, version) and exit 0. */
export interface PrintCommand {
  kind: "print";
  text: string;
}

export type Command = ServeCommand | DevCommand | OpenapiCommand | PrintCommand;

/** Environment variables the CLI reads, uvicorn's names where it has them. */
export type CliEnv = Readonly<Record<string, string | undefined>>;

const MAX_WORKERS = 1024;
const MAX_THREADS = 1024;
const MAX_TIMEOUT_SECONDS = 86_400;

const serverOptions = {
  host: { type: "string" },
  port: { type: "string", short: "p" },
  threads: { type: "string" },
  "limit-concurrency": { type: "string" },
  "timeout-keep-alive": { type: "string" },
  "timeout-graceful-shutdown": { type: "string" },
  "log-level": { type: "string" },
  "access-log": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

const serveOptions = { ...serverOptions, workers: { type: "string", short: "w" } } as const satisfies ParseArgsConfig["options"];
const devOptions = { ...serverOptions, "reload-dir": { type: "string", multiple: true } } as const satisfies ParseArgsConfig["options"];
const openapiOptions = { help: { type: "boolean", short: "h" } } as const satisfies ParseArgsConfig["options"];

/** Where a value came from, for error messages: `--port` or `PORT (environment)`. */
interface Source {
  label: string;
  text: string;
}

function pick(flag: string, value: string | undefined, envName: string | undefined, env: CliEnv): Source | undefined {
  if (value !== undefined) return { label: `--${flag}`, text: value };
  const fromEnv = envName === undefined ? undefined : env[envName];
  if (fromEnv !== undefined && fromEnv !== "") return { label: `${envName} (from the environment)`, text: fromEnv };
  return undefined;
}

function integerIn(source: Source, min: number, max: number, command: string): number {
  const value = /^\d{1,10}$/.test(source.text) ? Number(source.text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw usageError(`${source.label} must be a whole number from ${min} to ${max}, got ${JSON.stringify(source.text)}`, command);
  }
  return value;
}

function secondsToMs(source: Source, command: string): number {
  const value = /^\d{1,6}(?:\.\d{1,3})?$/.test(source.text) ? Number(source.text) : Number.NaN;
  if (!(value >= 0 && value <= MAX_TIMEOUT_SECONDS)) {
    throw usageError(`${source.label} must be a number of seconds from 0 to ${MAX_TIMEOUT_SECONDS}, got ${JSON.stringify(source.text)}`, command);
  }
  return Math.round(value * 1000);
}

function hostFrom(source: Source | undefined, command: string): string {
  if (source === undefined) return "127.0.0.1";
  // A host is a name or an address; anything with spaces, slashes or a scheme is a mistake.
  if (!/^[\w.:[\]%-]{1,253}$/.test(source.text)) {
    throw usageError(`${source.label} must be a host name or an IP address, got ${JSON.stringify(source.text)}`, command);
  }
  return source.text.startsWith("[") && source.text.endsWith("]") ? source.text.slice(1, -1) : source.text;
}

type ServerValues = {
  host?: string | undefined;
  port?: string | undefined;
  threads?: string | undefined;
  "limit-concurrency"?: string | undefined;
  "timeout-keep-alive"?: string | undefined;
  "timeout-graceful-shutdown"?: string | undefined;
  "log-level"?: string | undefined;
  "access-log"?: boolean | undefined;
};

function serverSettings(values: ServerValues, env: CliEnv, command: string, defaultGraceSeconds: number): ServerSettings {
  const port = pick("port", values.port, "PORT", env);
  const threads = pick("threads", values.threads, undefined, env);
  const limit = pick("limit-concurrency", values["limit-concurrency"], undefined, env);
  const keepAlive = pick("timeout-keep-alive", values["timeout-keep-alive"], undefined, env);
  const grace = pick("timeout-graceful-shutdown", values["timeout-graceful-shutdown"], undefined, env);
  return {
    host: hostFrom(pick("host", values.host, "HOST", env), command),
    port: port === undefined ? 8000 : integerIn(port, 0, 65535, command),
    threads: threads === undefined ? undefined : integerIn(threads, 1, MAX_THREADS, command),
    limitConcurrency: limit === undefined ? undefined : integerIn(limit, 1, 1_000_000, command),
    keepAliveTimeoutMs: keepAlive === undefined ? 5000 : secondsToMs(keepAlive, command),
    gracefulTimeoutMs: grace === undefined ? defaultGraceSeconds * 1000 : secondsToMs(grace, command),
    logLevel: values["log-level"] === undefined ? undefined : parseLogLevel(values["log-level"], command),
    accessLog: values["access-log"] ?? false,
  };
}

function parseFor<O extends NonNullable<ParseArgsConfig["options"]>>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    // node:util's messages go on about positionals after "--"; the first sentence is the point.
    const message = (error as Error).message.split(/\.(?:\s|$)/)[0] ?? String(error);
    throw usageError(message, command);
  }
}

function appArgument(positionals: string[], command: string): { app: AppSpec; appText: string } {
  if (positionals.length === 0) throw usageError(`missing the app module: loopwise ${command} <module>[:export]`, command);
  if (positionals.length > 1) throw usageError(`unexpected argument ${JSON.stringify(positionals[1])}: give one app module`, command);
  const appText = positionals[0]!;
  return { app: parseAppSpec(appText, command), appText };
}

function serveCommand(args: string[], env: CliEnv): Command {
  const { values, positionals } = parseFor("serve", args, serveOptions);
  if (values.help) return { kind: "print", text: SERVE_USAGE };
  const settings = serverSettings(values, env, "serve", 30);
  const workers = pick("workers", values.workers, "WEB_CONCURRENCY", env);
  return {
    kind: "serve",
    ...appArgument(positionals, "serve"),
    workers: workers === undefined ? 1 : integerIn(workers, 1, MAX_WORKERS, "serve"),
    settings,
  };
}

function devCommand(args: string[], env: CliEnv): Command {
  const { values, positionals } = parseFor("dev", args, devOptions);
  if (values.help) return { kind: "print", text: DEV_USAGE };
  const reloadDirs = values["reload-dir"] ?? [];
  for (const dir of reloadDirs) if (dir.trim() === "") throw usageError("--reload-dir must not be empty", "dev");
  return { kind: "dev", ...appArgument(positionals, "dev"), reloadDirs, settings: serverSettings(values, env, "dev", 2) };
}

function openapiCommand(args: string[]): Command {
  const { values, positionals } = parseFor("openapi", args, openapiOptions);
  if (values.help) return { kind: "print", text: OPENAPI_USAGE };
  return { kind: "openapi", app: appArgument(positionals, "openapi").app };
}

/**
 * Parses the command line (without `node` and the script). Throws a {@link CliError} with exit
 * code 2 and a one-line message for anything wrong; `env` supplies `PORT`, `HOST` and
 * `WEB_CONCURRENCY` defaults, which the command line overrides.
 *
 * @example
 * parseCommandLine(["serve", "src/main.ts", "--workers", "4"], process.env);
 */
export function parseCommandLine(argv: readonly string[], env: CliEnv, version = "unknown"): Command {
  const [name, ...rest] = argv;
  switch (name) {
    case "serve":
      return serveCommand(rest, env);
    case "dev":
      return devCommand(rest, env);
    case "openapi":
      return openapiCommand(rest);
    case "-h":
    case "--help":
      return { kind: "print", text: MAIN_USAGE };
    case "help":
      return rest[0] === undefined ? { kind: "print", text: MAIN_USAGE } : parseCommandLine([rest[0], "--help"], env, version);
    case "-v":
    case "--version":
    case "version":
      return { kind: "print", text: `loopwise ${version}` };
    case undefined:
      throw new CliError(`missing a command\n\n${MAIN_USAGE}`, 2);
    default: {
      const hint = /\.[cm]?[jt]sx?(?::|$)/.test(name) ? ` (to run it: loopwise serve ${name})` : "";
      throw usageError(`unknown command ${JSON.stringify(name)}${hint}; the commands are serve, dev, openapi`);
    }
  }
}
