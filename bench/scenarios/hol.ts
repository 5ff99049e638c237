// hol: head-of-line blocking. While 4 connections keep a `/block` route busy with ~200 ms of
// synchronous CPU work each, a second load generator measures `GET /health` (10 connections).
// On the loop lane (loopwise's, and Fastify's) every /health waits behind the blocks; on the
// thread lane it should stay close to its latency on an idle server.
//
// This file is also the benchmark's servers (one file per scenario is the harness's rule): run
// as a program it serves, with HOL_SERVER choosing loopwise (both lanes) or fastify. Pool threads
// import it too, which is why the loopwise app is built when it runs as the program *or* inside
// a pool thread.
import { isMainThread } from "node:worker_threads";
import { expectExchange } from "../lib/check.js";
import { otherProcessesShare, sampleCpu } from "../lib/cpu-share.js";
import type { LoadResult } from "../lib/load-result.js";
import { formatFigure, formatTable } from "../lib/report.js";
import type { Scenario, ScenarioContext, ScenarioOutcome } from "../lib/scenario.js";
import { spawnServer, type RunningServer } from "../lib/spawn-server.js";
import { median } from "../lib/stats.js";

const SERVER_ENV = "HOL_SERVER";
const ITERATIONS_ENV = "HOL_ITERATIONS";
const BLOCK_MS = 200;
const BLOCK_CONNECTIONS = 4;
const HEALTH_CONNECTIONS = 10;

/**
 * Synchronous CPU work that V8 cannot skip (xorshift, result returned).
 *
 * @example
 * burn(1_000_000); // a 32-bit number, after ~1 ms of work
 */
export function burn(iterations: number): number {
  let x = 0x9e3779b9;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}

/** Iterations of {@link burn} that take about `ms` on this machine (best of several tries). */
function calibrate(ms: number): number {
  const probe = 2_000_000;
  let best = Infinity;
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    burn(probe);
    best = Math.min(best, performance.now() - start);
  }
  return Math.round((probe * ms) / best);
}

// ---- the servers --------------------------------------------------------------------------

const role = process.env[SERVER_ENV];
const iterations = Number(process.env[ITERATIONS_ENV] ?? 0);
// Only the server processes have a role; in them, the only other threads importing this are pool threads.
if (role === "loopwise" && (import.meta.main || !isMainThread)) {
  const { App } = await import("loopwise");
  const app = new App({ logger: false });
  app.get("/health", () => ({ status: "ok" }));
  app.get("/block-thread", { lane: "thread" }, () => ({ x: burn(iterations) }));
  app.get("/block-loop", () => ({ x: burn(iterations) }));
  if (import.meta.main && isMainThread) {
    const { announce } = await import("../servers/announce.js");
    announce(await app.listen({ port: 0, host: "127.0.0.1" }));
  }
} else if (role === "fastify" && import.meta.main) {
  const { default: Fastify } = await import("fastify");
  const { announce } = await import("../servers/announce.js");
  const app = Fastify({ logger: false });
  app.get("/health", async () => ({ status: "ok" }));
  app.get("/block-loop", async () => ({ x: burn(iterations) }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  announce(app.server);
}

// ---- the scenario -------------------------------------------------------------------------

interface Variant {
  /** Name in the table and the summary line. */
  name: "idle" | "thread" | "loop" | "fastify";
  server: "loopwise" | "fastify";
  /** The blocking route loaded meanwhile, or none for the idle baseline. */
  block: string | undefined;
}

const VARIANTS: readonly Variant[] = [
  { name: "idle", server: "loopwise", block: undefined },
  { name: "thread", server: "loopwise", block: "/block-thread" },
  { name: "loop", server: "loopwise", block: "/block-loop" },
  { name: "fastify", server: "fastify", block: "/block-loop" },
];

function startServer(context: ScenarioContext, server: Variant["server"], blockIterations: number): Promise<RunningServer> {
  // spawnServer copies the environment synchronously, before its first await.
  process.env[SERVER_ENV] = server;
  process.env[ITERATIONS_ENV] = String(blockIterations);
  try {
    return spawnServer({ name: server, entry: new URL(import.meta.url).pathname }, { pin: context.pin, cpu: context.serverCpu });
  } finally {
    delete process.env[SERVER_ENV];
    delete process.env[ITERATIONS_ENV];
  }
}

interface Measured {
  health: LoadResult;
  block: LoadResult | undefined;
  /** Share of the server's CPU other processes took meanwhile: a busy machine inflates every p99. */
  otherShare: number | undefined;
}

/** Blocks still queued when a load generator stops keep running: wait them out between runs. */
const SETTLE_MS = BLOCK_CONNECTIONS * BLOCK_MS + 1000;

async function measure(context: ScenarioContext, server: RunningServer, variant: Variant, durationSec: number): Promise<Measured> {
  const origin = server.origin;
  const before = context.pin.enabled ? sampleCpu(context.serverCpu, server.pid) : undefined;
  const health = context.load.run({ url: `${origin}/health`, method: "GET" }, { durationSec, connections: HEALTH_CONNECTIONS });
  const block = variant.block
    ? context.load.run({ url: `${origin}${variant.block}`, method: "GET" }, { durationSec, connections: BLOCK_CONNECTIONS })
    : undefined;
  const [healthResult, blockResult] = await Promise.all([health, block]);
  const after = context.pin.enabled ? sampleCpu(context.serverCpu, server.pid) : undefined;
  if (variant.block) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return { health: healthResult, block: blockResult, otherShare: otherProcessesShare(before, after) };
}

function estimateSeconds(options: ScenarioContext["options"]): number {
  return VARIANTS.length * (options.warmupSec + options.rounds * (options.durationSec + 1 + SETTLE_MS / 1000)) + 40;
}

async function run(context: ScenarioContext): Promise<ScenarioOutcome> {
  const { options } = context;
  const warnings: string[] = [];
  const failures: string[] = [];
  const blockIterations = calibrate(BLOCK_MS);
  context.log(`hol: ${blockIterations} iterations ≈ ${BLOCK_MS} ms of CPU work per /block`);
  const servers = new Map<Variant["server"], RunningServer>();
  const results = new Map<Variant["name"], Measured[]>(VARIANTS.map((variant) => [variant.name, []]));
  try {
    for (const server of ["loopwise", "fastify"] as const) {
      const running = await startServer(context, server, blockIterations);
      servers.set(server, running);
      await expectExchange(running.origin, { method: "GET", path: "/health", status: 200, json: { status: "ok" } });
      await expectExchange(running.origin, { method: "GET", path: "/block-loop", status: 200 });
      if (server === "loopwise") await expectExchange(running.origin, { method: "GET", path: "/block-thread", status: 200 });
    }
    if (options.warmupSec > 0) {
      for (const variant of VARIANTS) {
        context.log(`hol: warm-up ${variant.name} (${options.warmupSec} s)`);
        await measure(context, servers.get(variant.server)!, variant, options.warmupSec);
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      for (let i = 0; i < VARIANTS.length; i++) {
        const variant = VARIANTS[(i + round) % VARIANTS.length]!;
        try {
          const measured = await measure(context, servers.get(variant.server)!, variant, options.durationSec);
          results.get(variant.name)!.push(measured);
          context.log(
            `hol: round ${round + 1}/${options.rounds} ${variant.name.padEnd(7)} /health p99 ${formatFigure(measured.health.latencyMs.p99)} ms` +
              (measured.block ? `, /block ${formatFigure(measured.block.requestsPerSec)} req/s` : ""),
          );
        } catch (error) {
          warnings.push(`hol/${variant.name}: a run failed: ${(error as Error).message}`);
        }
      }
    }
  } catch (error) {
    failures.push(`hol: ${(error as Error).message}`);
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }

  const p99 = new Map<Variant["name"], number | undefined>();
  const rows: string[][] = [];
  for (const variant of VARIANTS) {
    const runs = results.get(variant.name) ?? [];
    const healthP99 = runs.map((r) => r.health.latencyMs.p99).filter((v): v is number => v !== undefined);
    const healthP50 = runs.map((r) => r.health.latencyMs.p50).filter((v): v is number => v !== undefined);
    const blockRates = runs.map((r) => r.block?.requestsPerSec).filter((v): v is number => v !== undefined);
    const others = runs.map((r) => r.otherShare).filter((v): v is number => v !== undefined);
    const non2xx = runs.reduce((sum, r) => sum + r.health.non2xx + (r.block?.non2xx ?? 0), 0);
    if (non2xx > 0) failures.push(`hol/${variant.name}: ${non2xx} responses were not 2xx`);
    p99.set(variant.name, healthP99.length ? median(healthP99) : undefined);
    rows.push([
      variant.name,
      formatFigure(healthP99.length ? median(healthP99) : undefined),
      formatFigure(healthP50.length ? median(healthP50) : undefined),
      formatFigure(runs.length ? median(runs.map((r) => r.health.requestsPerSec)) : undefined),
      blockRates.length ? formatFigure(median(blockRates)) : "-",
      others.length ? `${Math.round(median(others) * 100)}%` : "n/a",
      String(runs.length),
    ]);
  }
  const table = formatTable(["variant", "/health p99 ms", "/health p50 ms", "/health req/s", "/block req/s", "others' CPU", "runs"], rows);
  const idle = p99.get("idle");
  const thread = p99.get("thread");
  const ratio = idle !== undefined && thread !== undefined && idle > 0 ? (thread / idle).toFixed(2) : "n/a";
  const figure = (value: number | undefined) => (value === undefined ? "n/a" : `${formatFigure(value)}ms`);
  return {
    report:
      `hol: GET /health (${HEALTH_CONNECTIONS} connections) while ${BLOCK_CONNECTIONS} connections load a ~${BLOCK_MS} ms CPU-bound /block, ` +
      `medians of ${options.rounds} rounds\n${table}`,
    summary:
      `hol: idle_p99=${figure(idle)} thread_p99=${figure(thread)} loop_p99=${figure(p99.get("loop"))} ` +
      `fastify_p99=${figure(p99.get("fastify"))} ratio_thread_vs_idle=${ratio}`,
    warnings,
    failures,
  };
}

const scenario: Scenario = {
  name: "hol",
  description: "GET /health latency while a ~200 ms CPU-bound /block runs: thread lane vs loop lane vs Fastify",
  estimateSeconds,
  run,
};

export default scenario;
