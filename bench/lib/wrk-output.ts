// Parser for the text wrk prints. wrk has no machine-readable output without a Lua `done()`
// hook, and its text uses scaled units (µs/ms/s, k/M), so everything goes through one parser
// that refuses output it does not understand rather than returning a wrong figure.
import type { LatencyPercentile, LoadResult } from "./load-result.js";

const TIME_UNIT_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const METRIC_SCALE: Readonly<Record<string, number>> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

const PERCENTILE_KEYS: Readonly<Record<string, LatencyPercentile>> = {
  "50": "p50",
  "75": "p75",
  "90": "p90",
  "99": "p99",
};

/**
 * Converts a wrk duration such as `315.00us`, `1.27ms`, `2.00s` or `1.50m` to milliseconds.
 *
 * @example
 * parseWrkDuration("1.27ms"); // 1.27
 */
export function parseWrkDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(text.trim());
  const scale = match ? TIME_UNIT_MS[match[2] as string] : undefined;
  if (!match || scale === undefined) throw new SyntaxError(`not a wrk duration: ${JSON.stringify(text)}`);
  return Number(match[1]) * scale;
}

/**
 * Converts a wrk metric number such as `40.12k` or `1.05M` to a plain number.
 *
 * @example
 * parseWrkMetric("40.12k"); // 40120
 */
export function parseWrkMetric(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kMGT]?)$/.exec(text.trim());
  const scale = match ? METRIC_SCALE[match[2] as string] : undefined;
  if (!match || scale === undefined) throw new SyntaxError(`not a wrk number: ${JSON.stringify(text)}`);
  return Number(match[1]) * scale;
}

/**
 * Reads requests/s, latency percentiles (from `--latency`), socket errors and non-2xx counts from
 * wrk's text output. Throws a SyntaxError when there is no single readable `Requests/sec:` line,
 * which is what wrk's output looks like when it could not connect or was killed.
 *
 * @example
 * const result = parseWrkOutput(stdout);
 * console.log(result.requestsPerSec, result.latencyMs.p99);
 */
export function parseWrkOutput(output: string): LoadResult {
  const lines = output.split(/\r?\n/);
  const rateLines = lines.filter((line) => /^\s*Requests\/sec:/.test(line));
  if (rateLines.length !== 1) {
    const tail = output.trim().split(/\r?\n/).slice(-3).join(" | ");
    throw new SyntaxError(
      `expected one "Requests/sec:" line in wrk output, found ${rateLines.length}: ${tail || "(empty)"}`,
    );
  }
  const requestsPerSec = parseWrkMetric((rateLines[0] as string).replace(/^\s*Requests\/sec:/, ""));

  const latencyMs: Partial<Record<LatencyPercentile, number>> = {};
  let totalRequests: number | undefined;
  let socketErrors = 0;
  let non2xx = 0;
  for (const line of lines) {
    const percentileMatch = /^\s*(\d+)(?:\.0+)?%\s+(\S+)\s*$/.exec(line);
    const key = percentileMatch ? PERCENTILE_KEYS[percentileMatch[1] as string] : undefined;
    if (percentileMatch && key) {
      latencyMs[key] = parseWrkDuration(percentileMatch[2] as string);
      continue;
    }
    const totalMatch = /^\s*(\d+) requests in /.exec(line);
    if (totalMatch) {
      totalRequests = Number(totalMatch[1]);
      continue;
    }
    const socketMatch = /^\s*Socket errors:\s*(.*)$/.exec(line);
    if (socketMatch) {
      socketErrors += sumCounts(socketMatch[1] as string);
      continue;
    }
    const non2xxMatch = /^\s*Non-2xx or 3xx responses:\s*(\d+)\s*$/.exec(line);
    if (non2xxMatch) non2xx += Number(non2xxMatch[1]);
  }
  return { requestsPerSec, totalRequests, latencyMs, socketErrors, non2xx };
}

/** Adds up `connect 0, read 12, write 0, timeout 3`; a count it cannot read is a parse error. */
function sumCounts(text: string): number {
  let sum = 0;
  for (const part of text.split(",")) {
    const match = /^\s*[a-z]+\s+(\d+)\s*$/.exec(part);
    if (!match) throw new SyntaxError(`unreadable wrk socket error count: ${JSON.stringify(part)}`);
    sum += Number(match[1]);
  }
  return sum;
}
