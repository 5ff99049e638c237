import { pino, type Logger, type LoggerOptions } from "pino";
import process from "node:process";

export type { Logger };

/** `false` silences logs; a pino Logger is used as is; options create one. */
export type LoggerSetting = false | Logger | LoggerOptions | undefined;

/** The app's logger: pino, JSON lines on stdout at `info` unless configured otherwise. */
export function createLogger(setting: LoggerSetting): Logger {
  if (setting === false) return pino({ enabled: false });
  if (setting && typeof (setting as Logger).child === "function" && typeof (setting as Logger).info === "function") {
    return setting as Logger;
  }
  return pino({ level: process.env["LOG_LEVEL"] ?? "info", ...(setting as LoggerOptions | undefined) });
}
