/**
 * The S1 experiment (SCENARIOS S1 / S7): fire requests at once, like
 * `curl --parallel --parallel-immediate --parallel-max 6`, and record when each one started and
 * ended as seen by the client.
 */

/** One request's timeline relative to the experiment's start, in ms. */
export interface Timing {
  path: string;
  startedMs: number;
  endedMs: number;
  status: number;
}

/** Sends every path at the same moment and resolves with each request's timing, in send order. */
export async function fireTogether(baseUrl: string, paths: string[]): Promise<Timing[]> {
  const t0 = performance.now();
  return Promise.all(
    paths.map(async (path) => {
      const startedMs = performance.now() - t0;
      const response = await fetch(baseUrl + path);
      await response.arrayBuffer();
      return { path, startedMs, endedMs: performance.now() - t0, status: response.status };
    }),
  );
}

/** A small text chart of the timings: one bar per request, scaled to `width` columns. */
export function renderTimeline(timings: Timing[], width = 50): string {
  const end = Math.max(...timings.map((t) => t.endedMs), 1);
  return timings
    .map((t) => {
      const from = Math.round((t.startedMs / end) * width);
      const to = Math.max(from + 1, Math.round((t.endedMs / end) * width));
      const bar = " ".repeat(from) + "█".repeat(to - from) + " ".repeat(width - to);
      return `${t.path.padEnd(14)} |${bar}| ${(t.endedMs / 1000).toFixed(2)} s`;
    })
    .join("\n");
}
