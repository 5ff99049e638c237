/** What one load-generator run measured, whichever generator produced it. */
export interface LoadResult {
  /** Completed requests per second over the whole run. */
  requestsPerSec: number;
  /** Completed requests, when the generator reports it. */
  totalRequests: number | undefined;
  /** Latency percentiles in milliseconds; a key is absent when the generator did not report it. */
  latencyMs: Partial<Record<LatencyPercentile, number>>;
  /** Connect, read, write errors and timeouts added together. */
  socketErrors: number;
  /** Responses whose status was not 2xx or 3xx: a benchmark of error pages is not a benchmark. */
  non2xx: number;
}

export type LatencyPercentile = "p50" | "p75" | "p90" | "p99";

export const LATENCY_PERCENTILES: readonly LatencyPercentile[] = ["p50", "p75", "p90", "p99"];
