// Parser for `autocannon --json`, the fallback load generator. Its latency figures are whole
// milliseconds, far coarser than wrk's, which the report states whenever it was used.
import type { LoadResult } from "./load-result.js";

function numberAt(source: unknown, path: readonly string[]): number | undefined {
  let value: unknown = source;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * Reads the JSON autocannon prints with `--json`. Requests/s is total completed requests over the
 * run's duration (autocannon's own `requests.average` is a mean of per-second samples, which
 * drops the partial last second). Throws a SyntaxError on anything that is not such a document.
 *
 * @example
 * const result = parseAutocannonJson(stdout);
 */
export function parseAutocannonJson(output: string): LoadResult {
  let document: unknown;
  try {
    document = JSON.parse(output.trim());
  } catch {
    throw new SyntaxError(`autocannon output is not JSON: ${JSON.stringify(output.slice(0, 200))}`);
  }
  const total = numberAt(document, ["requests", "total"]);
  const duration = numberAt(document, ["duration"]);
  if (total === undefined || duration === undefined || duration <= 0) {
    throw new SyntaxError("autocannon output lacks requests.total or a positive duration");
  }
  const latencyMs: LoadResult["latencyMs"] = {};
  for (const key of ["p50", "p75", "p90", "p99"] as const) {
    const value = numberAt(document, ["latency", key]);
    if (value !== undefined) latencyMs[key] = value;
  }
  return {
    requestsPerSec: total / duration,
    totalRequests: total,
    latencyMs,
    // autocannon's `errors` already includes its `timeouts`.
    socketErrors: numberAt(document, ["errors"]) ?? 0,
    non2xx: numberAt(document, ["non2xx"]) ?? 0,
  };
}
