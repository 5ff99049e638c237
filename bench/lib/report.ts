// Text output of the harness: an aligned table for people, and one fixed-format line per
// scenario for whoever greps the run's output (CI logs, issue notes).

/** Median req/s per server for the comparison line; a missing server prints as `n/a`. */
export interface ComparisonFigures {
  loopwise: number | undefined;
  fastify: number | undefined;
  node: number | undefined;
  /**
   * loopwise / fastify as measured round by round (see `pairedRatio`); without it the line
   * divides the two medians.
   */
  ratio?: number | undefined;
}

function usable(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value) && value >= 0;
}

function integerOrNa(value: number | undefined): string {
  return usable(value) ? String(Math.round(value)) : "n/a";
}

/**
 * The one summary line of a three-server comparison, e.g.
 * `hello: loopwise=41000 fastify=40000 node=45000 req/s ratio_vs_fastify=1.02`.
 * req/s are rounded to integers, the ratio (loopwise / fastify: the paired `ratio` when given,
 * else the medians') to 2 decimals; a figure that is
 * missing, negative or not finite prints as `n/a` rather than as a made-up number.
 *
 * @example
 * formatComparisonLine("hello", { loopwise: 41000, fastify: 40000, node: 45000 });
 */
export function formatComparisonLine(scenario: string, figures: ComparisonFigures): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(scenario)) {
    throw new RangeError(`scenario name must be lowercase words joined by '-': ${JSON.stringify(scenario)}`);
  }
  const { loopwise, fastify, node } = figures;
  const ratio =
    figures.ratio !== undefined
      ? usable(figures.ratio) ? figures.ratio.toFixed(2) : "n/a"
      : usable(loopwise) && usable(fastify) && fastify > 0 ? (loopwise / fastify).toFixed(2) : "n/a";
  return (
    `${scenario}: loopwise=${integerOrNa(loopwise)} fastify=${integerOrNa(fastify)} ` +
    `node=${integerOrNa(node)} req/s ratio_vs_fastify=${ratio}`
  );
}

/**
 * Left-aligned first column, right-aligned others, columns separated by two spaces.
 *
 * @example
 * formatTable(["server", "req/s"], [["fastify", "40000"]]);
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)));
  const render = (row: readonly string[]): string =>
    widths
      .map((width, column) => {
        const cell = row[column] ?? "";
        return column === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [render(headers), rule, ...rows.map(render)].join("\n");
}

/** A figure for a table cell: integers for large values, two decimals for small ones. */
export function formatFigure(value: number | undefined): string {
  if (!usable(value)) return "n/a";
  return value >= 100 ? String(Math.round(value)) : value.toFixed(2);
}
