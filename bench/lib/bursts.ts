// Interleaved bursts and paired ratios: how a round compares servers on a machine whose speed
// drifts by tens of percent from one second to the next (other tenants of the VM). A round's
// measured time per server is cut into one-second bursts, alternated between the servers that
// are all alive at once, so each server sees the same slices of the machine's weather; and the
// headline ratio is the median of the per-round ratios, each taken between figures measured
// seconds apart, instead of a ratio of medians that may come from different minutes.
import type { LoadResult, LatencyPercentile } from "./load-result.js";
import type { MeasuredRun } from "./comparison-summary.js";
import { median } from "./stats.js";

/** Length of one burst: short, so the servers' bursts sample the same minute of the machine. */
export const BURST_SEC = 1;

/**
 * The order of one burst in a round: forwards on even bursts, backwards on odd ones, so that no
 * server always runs right after the same neighbour (whose connections may still be closing).
 *
 * @example
 * burstOrder(["a", "b", "c"], 0); // ["a", "b", "c"]
 * burstOrder(["a", "b", "c"], 1); // ["c", "b", "a"]
 */
export function burstOrder<T>(items: readonly T[], burst: number): T[] {
  return burst % 2 === 0 ? [...items] : [...items].reverse();
}

/**
 * One server's bursts of a round as one run: requests per second over all of them (they last
 * the same time), requests and errors added up, CPU time per request over all requests, the
 * other processes' share averaged, and each latency percentile the median of the bursts' (a
 * percentile of several runs cannot be rebuilt from theirs; the median is the honest summary).
 * Undefined for no bursts.
 *
 * @example
 * const run = mergeBursts([first, second]); // run.load.requestsPerSec: the mean of the two
 */
export function mergeBursts(bursts: readonly MeasuredRun[]): MeasuredRun | undefined {
  if (bursts.length === 0) return undefined;
  if (bursts.length === 1) return bursts[0];
  const loads = bursts.map((burst) => burst.load);
  const totals = loads.map((load) => load.totalRequests);
  const totalRequests = totals.every((total) => total !== undefined) ? totals.reduce((sum, total) => sum + total, 0) : undefined;
  const latencyMs: LoadResult["latencyMs"] = {};
  for (const key of Object.keys(loads[0]!.latencyMs) as LatencyPercentile[]) {
    const values = loads.map((load) => load.latencyMs[key]).filter((value): value is number => value !== undefined);
    if (values.length === loads.length) latencyMs[key] = median(values);
  }
  // CPU per request weighted by each burst's requests: the total CPU over the total requests.
  let cpuMicros = 0;
  let cpuRequests = 0;
  let cpuKnown = true;
  for (const burst of bursts) {
    const requests = burst.load.totalRequests;
    if (burst.cpuMicrosPerRequest === undefined || requests === undefined) cpuKnown = false;
    else {
      cpuMicros += burst.cpuMicrosPerRequest * requests;
      cpuRequests += requests;
    }
  }
  const shares = bursts.map((burst) => burst.otherShare);
  const sharesKnown = shares.every((share) => share !== undefined);
  return {
    load: {
      requestsPerSec: loads.reduce((sum, load) => sum + load.requestsPerSec, 0) / loads.length,
      totalRequests,
      latencyMs,
      socketErrors: loads.reduce((sum, load) => sum + load.socketErrors, 0),
      non2xx: loads.reduce((sum, load) => sum + load.non2xx, 0),
    },
    otherShare: sharesKnown ? (shares as number[]).reduce((sum, share) => sum + share, 0) / shares.length : undefined,
    cpuMicrosPerRequest: cpuKnown && cpuRequests > 0 ? cpuMicros / cpuRequests : undefined,
  };
}

/** `a / b` of one round; undefined when either is missing, not finite, or `b` served nothing. */
export function roundRatio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 && a >= 0 ? a / b : undefined;
}

/**
 * The median over rounds of `a / b` in req/s, from the rounds where both were measured;
 * undefined when there is no such round (or `b` never served anything).
 *
 * @example
 * pairedRatio([{ a: 90, b: 100 }, { a: 50, b: 40 }, { a: 99, b: 100 }]); // 0.99
 */
export function pairedRatio(rounds: readonly { a: number | undefined; b: number | undefined }[]): number | undefined {
  const ratios = rounds.map(({ a, b }) => roundRatio(a, b)).filter((ratio): ratio is number => ratio !== undefined);
  return ratios.length === 0 ? undefined : median(ratios);
}

/**
 * Each round's ratio for the report, `n/a` where a round lacks one.
 *
 * @example
 * formatRoundRatios([{ a: 90, b: 100 }, { a: 1, b: undefined }], 2); // "0.90 n/a"
 */
export function formatRoundRatios(rounds: readonly { a: number | undefined; b: number | undefined }[], digits: number): string {
  return rounds
    .map(({ a, b }) => {
      const ratio = roundRatio(a, b);
      return ratio === undefined ? "n/a" : ratio.toFixed(digits);
    })
    .join(" ");
}
