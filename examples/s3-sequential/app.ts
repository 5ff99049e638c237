/**
 * SCENARIOS S3: sequential awaits vs concurrent awaits.
 *
 * - `GET /universities`             fetches three independent lists one after another
 *                                   (each `await` waits for the previous call to finish).
 * - `GET /universities/concurrent`  starts the three calls together and awaits them all.
 *
 * Nothing blocks in either: the first is just serial. The watchdog's request profile makes it
 * visible without a profiler: every response carries a `Server-Timing` header with the
 * outbound calls, and the access log line says
 * `3 calls ran one after another; run together they would save ~300 ms`. Send
 * `x-loopwise-profile: 1` to also see the time spent on the event loop vs waiting.
 *
 * The upstream is `UPSTREAM_URL`; without it, a fake one starts in this process (`UPSTREAM_MS`
 * per call, default 150). Run: `npx loopwise dev examples/s3-sequential/app.ts --access-log`,
 * or `node --import tsx examples/s3-sequential/demo.ts` for both requests side by side.
 */
import { App } from "loopwise";
import { startUniversitiesApi } from "./universities-api.js";

const COUNTRIES = ["Turkey", "India", "Australia"] as const;

interface University {
  name: string;
  country: string;
}

const upstream =
  process.env["UPSTREAM_URL"] ?? (await startUniversitiesApi({ delayMs: Number(process.env["UPSTREAM_MS"] ?? "150") })).url;

async function universitiesOf(country: string): Promise<University[]> {
  const response = await fetch(`${upstream}/search?country=${encodeURIComponent(country)}`);
  if (!response.ok) throw new Error(`the universities API answered ${response.status} for ${country}`);
  return (await response.json()) as University[];
}

export const app = new App({
  title: "S3: sequential vs concurrent awaits",
  logger: { level: process.env["LOG_LEVEL"] ?? "info" },
  // Let any client ask for the sampled profile (time on the loop vs waiting), and show every
  // profile as Server-Timing even outside `loopwise dev`: fine for a demo.
  watchdog: { profile: { header: true, serverTiming: true } },
});

app.get("/universities", async () => {
  const found: Record<string, University[]> = {};
  for (const country of COUNTRIES) found[country] = await universitiesOf(country);
  return found;
});

app.get("/universities/concurrent", async () => {
  const lists = await Promise.all(COUNTRIES.map((country) => universitiesOf(country)));
  return Object.fromEntries(COUNTRIES.map((country, i) => [country, lists[i]]));
});

if (import.meta.main) {
  await app.listen({ port: Number(process.env["PORT"] ?? 8000), host: process.env["HOST"] ?? "127.0.0.1", accessLog: true });
}
