import { usageError } from "./cli-error.js";

/** pino's level names, which is what the app's logger understands. */
export type PinoLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** uvicorn's names first (what people coming from FastAPI type), then pino's own. */
const LEVELS: Readonly<Record<string, PinoLevel>> = {
  critical: "fatal",
  error: "error",
  warning: "warn",
  info: "info",
  debug: "debug",
  trace: "trace",
  fatal: "fatal",
  warn: "warn",
  silent: "silent",
};

/** The names `--log-level` accepts, for the help text. */
export const LOG_LEVEL_NAMES = "critical, error, warning, info, debug, trace (or pino's fatal, warn, silent)";

/**
 * Maps a `--log-level` value (case-insensitive) to the pino level; a usage error otherwise.
 *
 * @example
 * parseLogLevel("warning"); // "warn"
 */
export function parseLogLevel(text: string, command?: string): PinoLevel {
  const level = Object.hasOwn(LEVELS, text.toLowerCase()) ? LEVELS[text.toLowerCase()] : undefined;
  if (level === undefined) throw usageError(`--log-level must be one of ${LOG_LEVEL_NAMES}, got ${JSON.stringify(text)}`, command);
  return level;
}
