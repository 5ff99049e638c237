/**
 * A fake universities API for SCENARIOS S3 (in the original, a public university search API):
 * `GET /search?country=Turkey` answers after `delayMs` with that country's universities.
 * Each call takes the same time, so three calls made one after another take three times as long
 * as the same three calls made together.
 *
 * Run alone: `node --import tsx examples/s3-sequential/universities-api.ts` (UPSTREAM_MS, UPSTREAM_PORT).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const UNIVERSITIES: Record<string, string[]> = {
  turkey: ["Boğaziçi University", "Middle East Technical University", "Istanbul Technical University"],
  india: ["Indian Institute of Science", "Indian Institute of Technology Bombay", "University of Delhi"],
  australia: ["University of Melbourne", "Australian National University", "University of Sydney"],
};

/** A running fake API. */
export interface UniversitiesApi {
  readonly url: string;
  /** Calls answered so far. */
  readonly calls: () => number;
  close(): Promise<void>;
}

/**
 * Starts the fake API on a free loopback port (or `port`).
 *
 * @example
 * const api = await startUniversitiesApi({ delayMs: 150 });
 * await fetch(`${api.url}/search?country=India`); // answered after 150 ms
 */
export async function startUniversitiesApi(options: { delayMs: number; port?: number }): Promise<UniversitiesApi> {
  let calls = 0;
  const server = createServer((req, res) => {
    const country = new URL(req.url ?? "/", "http://api").searchParams.get("country") ?? "";
    setTimeout(() => {
      calls++;
      const names = UNIVERSITIES[country.toLowerCase()] ?? [];
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(names.map((name) => ({ name, country }))));
    }, options.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.main) {
  const api = await startUniversitiesApi({ delayMs: Number(process.env["UPSTREAM_MS"] ?? "500"), port: Number(process.env["UPSTREAM_PORT"] ?? "0") });
  console.log(`universities API on ${api.url}`);
}
