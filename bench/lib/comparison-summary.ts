// Turns the measured runs of one server into its table row, its median req/s and the warnings
// a reader needs to judge the figure. Pure, so the rules (what is void, what is noisy) are tested.
import type { LoadResult } from "./load-result.js";
import { formatFigure } from "./report.js";
import { median } from "./stats.js";

/** One measured load run against one server. */
export interface MeasuredRun {
  load: LoadResult;
  /** Share of the server CPU taken by other processes during the run; undefined if unknown. */
  otherShare: number | undefined;
  /** Server CPU time per completed request, in µs; undefined if unknown. */
  cpuMicrosPerRequest: number | undefined;
}

/** A run in which other processes took more than this share of the server's CPU is flagged. */
export const BUSY_SHARE_LIMIT = 0.1;
/** Rounds spread wider than this fraction of their median are flagged as noisy. */
export const SPREAD_LIMIT = 0.25;

export const COMPARISON_HEADERS: readonly string[] = [
  "server",
  "req/s (median)",
  "req/s range",
  "quiet runs (n)",
  "CPU µs/req",
  "p50 ms",
  "p99 ms",
  "other CPU",
  "runs",
  "sock err",
  "non-2xx",
];

export const COMPARISON_LEGEND =
  `"other CPU": median share of the server's core used by other processes meanwhile; ` +
  `"quiet runs": median req/s of the runs where that share was at most ${percent(BUSY_SHARE_LIMIT)}; ` +
  `"CPU µs/req": server CPU time per request, the figure other processes disturb least`;

export interface ServerSummary {
  row: string[];
  /** Median req/s, undefined when no run succeeded. */
  requestsPerSec: number | undefined;
  warnings: string[];
  /** Non-empty when the figure is void: responses under load were errors. */
  failures: string[];
}

/**
 * Summarizes `runs` of server `name` in scenario `scenario`.
 *
 * @example
 * const { row, requestsPerSec, warnings } = summarizeServer("hello", "fastify", runs);
 */
export function summarizeServer(scenario: string, name: string, runs: readonly MeasuredRun[]): ServerSummary {
  const label = `${scenario}/${name}`;
  const warnings: string[] = [];
  const failures: string[] = [];
  const errors = runs.reduce((sum, run) => sum + run.load.socketErrors, 0);
  const non2xx = runs.reduce((sum, run) => sum + run.load.non2xx, 0);
  if (non2xx > 0) failures.push(`${label}: ${non2xx} responses were not 2xx/3xx`);
  if (errors > 0) warnings.push(`${label}: ${errors} socket errors`);
  if (runs.length === 0) {
    const row = [name, ...COMPARISON_HEADERS.slice(1, -3).map(() => "n/a"), "0", "-", "-"];
    return { row, requestsPerSec: undefined, warnings, failures };
  }

  const rates = runs.map((run) => run.load.requestsPerSec);
  const middle = median(rates);
  const spread = middle > 0 ? (Math.max(...rates) - Math.min(...rates)) / middle : 0;
  if (spread > SPREAD_LIMIT) warnings.push(`${label}: rounds spread ${Math.round(spread * 100)}% of the median; noisy`);
  const shares = known(runs.map((run) => run.otherShare));
  const busyRuns = shares.filter((share) => share > BUSY_SHARE_LIMIT).length;
  if (busyRuns > 0) {
    warnings.push(
      `${label}: in ${busyRuns} of ${runs.length} runs other processes took more than ` +
        `${percent(BUSY_SHARE_LIMIT)} of the server CPU (max ${percent(Math.max(...shares))})`,
    );
  }
  const row = [
    name,
    formatFigure(middle),
    `${formatFigure(Math.min(...rates))}-${formatFigure(Math.max(...rates))}`,
    quietMedian(runs),
    formatFigure(medianOfKnown(runs.map((run) => run.cpuMicrosPerRequest))),
    formatFigure(medianOfKnown(runs.map((run) => run.load.latencyMs.p50))),
    formatFigure(medianOfKnown(runs.map((run) => run.load.latencyMs.p99))),
    percent(medianOfKnown(shares)),
    String(runs.length),
    String(errors),
    String(non2xx),
  ];
  return { row, requestsPerSec: middle, warnings, failures };
}

/**
 * Median req/s of the runs where other processes stayed under the limit, with their count: a
 * second opinion beside the plain median when the machine was shared. The summary line keeps the
 * plain median, so the method does not hinge on a threshold.
 */
function quietMedian(runs: readonly MeasuredRun[]): string {
  const quiet = runs
    .filter((run) => run.otherShare !== undefined && run.otherShare <= BUSY_SHARE_LIMIT)
    .map((run) => run.load.requestsPerSec);
  return quiet.length === 0 ? "n/a (0)" : `${formatFigure(median(quiet))} (${quiet.length})`;
}

/** `0.25` → `25%`; undefined → `n/a`. */
export function percent(share: number | undefined): string {
  return share === undefined ? "n/a" : `${Math.round(share * 100)}%`;
}

function known(values: readonly (number | undefined)[]): number[] {
  return values.filter((value): value is number => value !== undefined);
}

function medianOfKnown(values: readonly (number | undefined)[]): number | undefined {
  const present = known(values);
  return present.length === 0 ? undefined : median(present);
}
