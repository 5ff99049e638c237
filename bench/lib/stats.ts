// Order statistics for benchmark rounds. Rounds are few (5-10) and noisy, so the harness reports
// medians, which one outlier round cannot drag, rather than means.

function checkedSorted(values: readonly number[], what: string): number[] {
  if (values.length === 0) throw new RangeError(`${what} of an empty list`);
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`${what} of a list holding ${value}`);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * The middle value; the mean of the two middle values for an even count.
 * Throws a RangeError for an empty list or one holding NaN or ±Infinity, since a silent NaN
 * would otherwise end up printed as a benchmark figure.
 *
 * @example
 * median([3, 1, 2]); // 2
 * median([4, 1, 3, 2]); // 2.5
 */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) with linear interpolation between closest ranks, the same
 * definition as numpy's default, so percentile(xs, 50) equals median(xs).
 *
 * @example
 * percentile([10, 20, 30, 40], 90); // 37
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = checkedSorted(values, `percentile ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (rank - below);
}
