import { pino } from "pino";
import process from "node:process";

/** The logger the watchdog writes to: any pino-compatible object (pino itself fits). */
export interface WatchdogLogger {
  warn(objOrMessage: unknown, message?: string): void;
  error(objOrMessage: unknown, message?: string): void;
}

/**
 * pino (JSON lines on stdout) by default; with `pretty`, plain lines on stderr, which is what a
 * developer watching a terminal wants to read.
 */
export function defaultWatchdogLogger(pretty: boolean): WatchdogLogger {
  if (!pretty) return pino({ name: "loopwise-watchdog" });
  const write = (objOrMessage: unknown, message?: string): void => {
    const text = typeof objOrMessage === "string" ? objOrMessage : (message ?? "");
    const detail = typeof objOrMessage === "object" && objOrMessage !== null ? ` ${safeJson(objOrMessage)}` : "";
    process.stderr.write(`${text}${detail}\n`);
  };
  return { warn: write, error: write };
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) => (item instanceof Error ? { message: item.message, stack: item.stack } : item));
  } catch {
    return "";
  }
}
