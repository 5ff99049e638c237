/** pino's numeric levels, with the label and ANSI colour used for each. */
const LEVELS: Readonly<Record<number, readonly [label: string, color: number]>> = {
  10: ["TRACE", 90],
  20: ["DEBUG", 34],
  30: ["INFO ", 32],
  40: ["WARN ", 33],
  50: ["ERROR", 31],
  60: ["FATAL", 35],
};

/** Fields every pino line has, which a person reading a dev terminal does not need. */
const HIDDEN = new Set(["level", "time", "msg", "pid", "hostname", "v", "err", "error"]);
const MAX_EXTRAS = 240;

/** Control characters other than newline and tab, shown escaped: a log line must not drive the terminal. */
function defang(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function paint(text: string, color: number, enabled: boolean): string {
  return enabled ? `\x1b[${color}m${text}\x1b[0m` : text;
}

function clock(time: unknown): string {
  if (typeof time !== "number" || !Number.isFinite(time)) return "--:--:--.---";
  const date = new Date(time);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function errorText(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const error = value as { stack?: unknown; type?: unknown; message?: unknown };
  const text = typeof error.stack === "string" ? error.stack : `${String(error.type ?? "Error")}: ${String(error.message ?? "")}`;
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

/**
 * One pino JSON log line as a line for a person: `12:00:01.250 INFO  loopwise serving S1 on
 * http://127.0.0.1:8000`, extra fields after it (those the message does not already say), and
 * an error's stack below. Anything that is not a pino line is returned unchanged.
 *
 * @example
 * prettyLogLine('{"level":30,"time":1700000000000,"msg":"hello","reqId":3}', false);
 * // "23:13:20.000 INFO  hello reqId=3" (in the local time zone)
 */
export function prettyLogLine(line: string, color: boolean): string {
  if (!line.startsWith("{")) return line;
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return line;
  const record = entry as Record<string, unknown>;
  if (typeof record["level"] !== "number") return line;
  const [label, levelColor] = LEVELS[record["level"]] ?? [`L${record["level"]}`.padEnd(5), 0];
  const rawMessage = record["msg"];
  const message = typeof rawMessage === "string" ? rawMessage : rawMessage === undefined ? "" : JSON.stringify(rawMessage);
  const extras: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (HIDDEN.has(key) || value === undefined) continue;
    const shown = typeof value === "string" ? value : JSON.stringify(value);
    if (shown.length > 1 && message.includes(shown)) continue;
    extras.push(`${key}=${shown}`);
  }
  let extraText = extras.join(" ");
  if (extraText.length > MAX_EXTRAS) extraText = `${extraText.slice(0, MAX_EXTRAS)}…`;
  const head = `${paint(clock(record["time"]), 90, color)} ${paint(label, levelColor, color)} ${defang(message)}`;
  const stack = errorText(record["err"] ?? record["error"]);
  return `${head}${extraText ? ` ${paint(defang(extraText), 90, color)}` : ""}${stack ? `\n${defang(stack)}` : ""}`;
}
