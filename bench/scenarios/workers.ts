// workers: hello world served by `loopwise serve --workers 1` and `--workers 2`, the real CLI.
// One process uses one core for JavaScript; two workers can use both, but on a 2-core machine the
// load generator needs a core too, so the figure says what this machine allows, not what two
// workers can do on a bigger one. The servers run unpinned (w2 must be able to use both cores);
// the load generator stays on its own CPU as in every scenario.
//
// This file is also the app module the CLI serves (`loopwise serve bench/scenarios/workers.ts:app`):
// the hello route is the same one the other scenarios measure, plus `/pid` to check that both
// workers answer.
import { fileURLToPath } from "node:url";
import { App } from "loopwise";
import { freePort } from "../../src/cli/free-port.js";
import { expectExchange } from "../lib/check.js";
import { spawnTracked, stopChild } from "../lib/children.js";
import { rotate } from "../lib/compare.js";
import type { LoadResult } from "../lib/load-result.js";
import { formatFigure, formatTable } from "../lib/report.js";
import type { Scenario, ScenarioContext, ScenarioOutcome } from "../lib/scenario.js";
import { SERVER_NODE_FLAGS } from "../lib/spawn-server.js";
import { median } from "../lib/stats.js";

/** Set for the served processes: run.ts, which imports every scenario to list them, gets no App. */
const SERVED_ENV = "LOOPWISE_BENCH_WORKERS_APP";

/** The served app (the CLI's worker processes inherit {@link SERVED_ENV} from the primary). */
export const app = process.env[SERVED_ENV] === "1" ? helloApp() : undefined;

function helloApp(): App {
  const hello = new App({ logger: false });
  hello.get("/", async () => ({ message: "Hello World" }));
  hello.get("/pid", () => ({ pid: process.pid }));
  return hello;
}

const SELF = fileURLToPath(import.meta.url);
const BIN = fileURLToPath(new URL("../../bin/loopwise.js", import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const VARIANTS = [1, 2] as const;

interface Variant {
  name: string;
  workers: number;
  origin: string;
  stop(): Promise<void>;
}

async function startVariant(workers: number): Promise<Variant> {
  const port = await freePort("127.0.0.1");
  const child = spawnTracked(
    process.execPath,
    [...SERVER_NODE_FLAGS, BIN, "serve", `${SELF}:app`, "--workers", String(workers), "--port", String(port), "--log-level", "warn"],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NODE_ENV: "production", [SERVED_ENV]: "1" } },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // The CLI prints nothing at --log-level warn: poll until every worker answers.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`loopwise serve --workers ${workers} exited with ${child.exitCode}: ${stderr.trim()}`);
    try {
      const pids = new Set<number>();
      for (let i = 0; i < 4 * workers && pids.size < workers; i++) {
        const response = await fetch(`${origin}/pid`, { headers: { connection: "close" }, signal: AbortSignal.timeout(2000) });
        pids.add(((await response.json()) as { pid: number }).pid);
      }
      if (pids.size === workers) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`loopwise serve --workers ${workers}: not all workers answered within ${READY_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await expectExchange(origin, { method: "GET", path: "/", status: 200, json: { message: "Hello World" } });
  return { name: `w${workers}`, workers, origin, stop: () => stopChild(child, 10_000) };
}

function integerOrNa(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "n/a" : String(Math.round(value));
}

/**
 * The scenario's one summary line, e.g. `workers: w1=21000 w2=29000 req/s ratio=1.38`.
 *
 * @example
 * workersLine(21000, 29000); // "workers: w1=21000 w2=29000 req/s ratio=1.38"
 */
export function workersLine(w1: number | undefined, w2: number | undefined): string {
  const ratio = w1 !== undefined && w2 !== undefined && w1 > 0 && Number.isFinite(w2) ? (w2 / w1).toFixed(2) : "n/a";
  return `workers: w1=${integerOrNa(w1)} w2=${integerOrNa(w2)} req/s ratio=${ratio}`;
}

async function run(context: ScenarioContext): Promise<ScenarioOutcome> {
  const { options, load } = context;
  const warnings: string[] = [];
  const failures: string[] = [];
  const running: Variant[] = [];
  const results = new Map<string, LoadResult[]>(VARIANTS.map((workers) => [`w${workers}`, []]));
  const measure = async (variant: Variant, durationSec: number): Promise<LoadResult | undefined> => {
    try {
      return await load.run({ method: "GET", url: `${variant.origin}/` }, { durationSec, connections: options.connections });
    } catch (error) {
      warnings.push(`workers/${variant.name}: a run failed: ${(error as Error).message}`);
      return undefined;
    }
  };
  try {
    for (const workers of VARIANTS) {
      context.log(`workers: starting loopwise serve --workers ${workers}`);
      try {
        running.push(await startVariant(workers));
      } catch (error) {
        failures.push(`workers/w${workers}: ${(error as Error).message}`);
      }
    }
    if (options.warmupSec > 0) {
      for (const variant of running) {
        context.log(`workers: warm-up ${variant.name} (${options.warmupSec} s)`);
        await measure(variant, options.warmupSec);
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const variant of rotate(running, round)) {
        const result = await measure(variant, options.durationSec);
        if (!result) continue;
        results.get(variant.name)?.push(result);
        context.log(`workers: round ${round + 1}/${options.rounds} ${variant.name} ${Math.round(result.requestsPerSec)} req/s p99 ${formatFigure(result.latencyMs.p99)} ms`);
      }
    }
  } finally {
    await Promise.all(running.map((variant) => variant.stop()));
  }

  const medians = new Map<string, number>();
  const rows = VARIANTS.map((workers) => {
    const name = `w${workers}`;
    const runs = results.get(name) ?? [];
    const errors = runs.reduce((sum, r) => sum + r.socketErrors, 0);
    const non2xx = runs.reduce((sum, r) => sum + r.non2xx, 0);
    if (non2xx > 0) failures.push(`workers/${name}: ${non2xx} responses were not 2xx/3xx`);
    if (errors > 0) warnings.push(`workers/${name}: ${errors} socket errors`);
    if (runs.length === 0) return [name, String(workers), "n/a", "n/a", "n/a", "n/a", "0"];
    const rates = runs.map((r) => r.requestsPerSec);
    medians.set(name, median(rates));
    const p = (key: "p50" | "p99") => {
      const values = runs.map((r) => r.latencyMs[key]).filter((v): v is number => v !== undefined);
      return values.length === 0 ? "n/a" : formatFigure(median(values));
    };
    return [name, String(workers), formatFigure(median(rates)), `${formatFigure(Math.min(...rates))}-${formatFigure(Math.max(...rates))}`, p("p50"), p("p99"), String(runs.length)];
  });
  const table = formatTable(["server", "workers", "req/s (median)", "req/s range", "p50 ms", "p99 ms", "runs"], rows);
  const note = context.pin.enabled
    ? `servers unpinned (free to use both CPUs); the load generator pinned to CPU 1, so w2's second worker shares a core with it`
    : `nothing pinned (${context.pin.warning ?? "taskset unavailable"}): servers and load generator share the CPUs`;
  return {
    report: `workers: GET / through \`loopwise serve --workers N\` (node:cluster), medians of ${options.rounds} rounds\n${table}\n${note}`,
    summary: workersLine(medians.get("w1"), medians.get("w2")),
    warnings,
    failures,
  };
}

const scenario: Scenario = {
  name: "workers",
  description: "GET / under loopwise serve --workers 1 vs --workers 2 (cluster; shares the 2 cores with the load generator)",
  estimateSeconds: (options) => VARIANTS.length * (options.warmupSec + options.rounds * options.durationSec + 30),
  run,
};

export default scenario;
