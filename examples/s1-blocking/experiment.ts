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
  /** The server's own processing time (its `X-Process-Time` header), in ms, when present. */
  serverMs: number | undefined;
}

/** Sends every path at the same moment and resolves with each request's timing, in send order. */
export async function fireTogether(baseUrl: string, paths: string[]): Promise<Timing[]> {
  const t0 = performance.now();
  return Promise.all(
    paths.map(async (path) => {
      const startedMs = performance.now() - t0;
      const response = await fetch(baseUrl + path);
      await response.arrayBuffer();
      const processTime = response.headers.get("x-process-time");
      const serverMs = processTime === null ? undefined : Number(processTime) * 1000;
      return { path, startedMs, endedMs: performance.now() - t0, status: response.status, serverMs };
    }),
  );
}

/**
 * A small text chart of the timings, one bar per request scaled to `width` columns: `░` while
 * the request waited to be served, `█` while the server was processing it (from X-Process-Time).
 */
export function renderTimeline(timings: Timing[], width = 50): string {
  const end = Math.max(...timings.map((t) => t.endedMs), 1);
  const column = (ms: number) => Math.round((ms / end) * width);
  return timings
    .map((t) => {
      const from = column(t.startedMs);
      const to = Math.max(from + 1, column(t.endedMs));
      const busyFrom = t.serverMs === undefined ? from : Math.min(to - 1, Math.max(from, column(t.endedMs - t.serverMs)));
      const bar = " ".repeat(from) + "░".repeat(busyFrom - from) + "█".repeat(to - busyFrom) + " ".repeat(width - to);
      return `${t.path.padEnd(14)} |${bar}| ${(t.endedMs / 1000).toFixed(2)} s`;
    })
    .join("\n");
}
