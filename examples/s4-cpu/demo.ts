/**
 * The S4 demo: times one `POST /digest` alone, then two at once, for the task (pool threads)
 * and for the inline version (the event loop). On a machine with two free cores, two task
 * requests take about as long as one; two inline ones take twice as long, one after the other.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startDemoApp } from "../shared/start-demo-app.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const port = process.env["PORT"] ?? "8000";
const { base } = await startDemoApp(path.join(here, "app.ts"), port);

const body = new TextEncoder().encode("a picture, say");
async function timed(route: string, count: number): Promise<number> {
  const start = performance.now();
  await Promise.all(Array.from({ length: count }, () => fetch(`${base}${route}`, { method: "POST", body }).then((r) => r.json())));
  return performance.now() - start;
}

await timed("/digest", 2); // warm-up
console.log("\nS4: SHA-256 chained S4_ROUNDS times per request\n");
for (const route of ["/digest", "/digest-inline"]) {
  const one = await timed(route, 1);
  const two = await timed(route, 2);
  console.log(`${route.padEnd(15)} one request ${(one / 1000).toFixed(2)} s, two at once ${(two / 1000).toFixed(2)} s (${(two / one).toFixed(2)}x)`);
}
process.exit(0);
