/**
 * A fake upstream API for SCENARIOS S2: every request waits `delayMs` before it is answered, like
 * a slow third-party service. It records when each call arrived and finished, in order, so a
 * test can see whether two of our requests called it at the same time or one after the other.
 *
 * Run alone: `node --import tsx examples/s2-upstream/upstream.ts` (UPSTREAM_DELAY_MS, UPSTREAM_PORT).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One thing the upstream saw: a call arriving or being answered, tagged by the caller. */
export interface UpstreamEvent {
  readonly event: "arrived" | "answered";
  /** The `from` query parameter: which of our requests made the call. */
  readonly from: string;
  /** The `call` query parameter: 1 for a request's first call, 2 for its second. */
  readonly call: string;
}

/** A running fake upstream. */
export interface FakeUpstream {
  readonly url: string;
  /** Everything seen so far, in the order it happened. */
  readonly events: UpstreamEvent[];
  close(): Promise<void>;
}

/**
 * Starts the fake upstream on a free loopback port.
 *
 * @example
 * const upstream = await startFakeUpstream({ delayMs: 1000 });
 * await fetch(`${upstream.url}/data?from=a&call=1`); // answered after 1 s
 */
export async function startFakeUpstream(options: { delayMs: number; port?: number }): Promise<FakeUpstream> {
  const events: UpstreamEvent[] = [];
  const server: Server = createServer((req, res) => {
    const query = new URL(req.url ?? "/", "http://upstream").searchParams;
    const from = query.get("from") ?? "?";
    const call = query.get("call") ?? "?";
    events.push({ event: "arrived", from, call });
    setTimeout(() => {
      events.push({ event: "answered", from, call });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ from, call, waitedMs: options.delayMs }));
    }, options.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.main) {
  const upstream = await startFakeUpstream({ delayMs: Number(process.env["UPSTREAM_DELAY_MS"] ?? 1000), port: Number(process.env["UPSTREAM_PORT"] ?? 0) });
  console.log(`fake upstream on ${upstream.url}`);
}
