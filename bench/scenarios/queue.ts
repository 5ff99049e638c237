// queue: the queue lane end to end on a real redis-server. Throughput of a trivial task (the
// fixture's `add`, a plain function: it runs on each worker's thread lane) with 1 and 2
// `loopwise worker` processes, and the latency of `enqueue → result` one job at a time.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawnTracked, stopChild } from "../lib/children.js";
import { formatTable } from "../lib/report.js";
import type { Scenario, ScenarioContext, ScenarioOutcome } from "../lib/scenario.js";
import { median, percentile } from "../lib/stats.js";
import { startRedis } from "../../test/support/redis.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const nodeBin = path.join(root, "node_modules", ".bin", "node");
const FIXTURE_APP = "test/fixtures/queue/app.ts";
/** Jobs each worker runs at once: enough to keep its thread pool and Redis round trips busy. */
const WORKER_CONCURRENCY = 16;
/** Jobs the producer keeps in flight while measuring throughput. */
const IN_FLIGHT = 256;
const LATENCY_SAMPLES = 300;

type Tasks = typeof import("../../test/fixtures/queue/app.js");

function startWorkerProcess(redisUrl: string): Promise<ReturnType<typeof spawnTracked>> {
  const child = spawnTracked(nodeBin, [path.join(root, "bin/loopwise.js"), "worker", FIXTURE_APP, "--concurrency", String(WORKER_CONCURRENCY)], {
    cwd: root,
    env: { ...process.env, REDIS_URL: redisUrl, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`worker did not start in 60 s: ${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/loopwise worker ready/.test(out)) done();
    };
    const done = () => {
      clearTimeout(timer);
      resolve(child);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${out}`));
    });
  });
}

/** Runs `total` jobs with IN_FLIGHT outstanding; resolves with jobs per second. */
async function throughput(tasks: Tasks, total: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < total) {
      const i = next++;
      const handle = await tasks.add.enqueue([i, 1]);
      if ((await handle.result({ timeout: 60_000 })) !== i + 1) throw new Error(`wrong result for job ${i}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return total / ((performance.now() - started) / 1000);
}

async function latencies(tasks: Tasks, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await (await tasks.add.enqueue([i, 2])).result({ timeout: 60_000 });
    out.push(performance.now() - started);
  }
  return out;
}

async function run(context: ScenarioContext): Promise<ScenarioOutcome> {
  const { options, log } = context;
  const warnings: string[] = [];
  const failures: string[] = [];
  const redis = await startRedis();
  process.env["REDIS_URL"] = redis.url;
  const tasks = (await import("../../test/fixtures/queue/app.js")) as Tasks;
  const { closeQueueConnections } = await import("loopwise");
  const perWorkers = new Map<number, number[]>();
  let latency: number[] = [];
  try {
    // Jobs per round: a rough rate of 1500 jobs/s per worker times the round's duration.
    const jobsPerRound = (workers: number) => Math.max(300, Math.round(1500 * workers * options.durationSec));
    for (const workers of [1, 2]) {
      const children = await Promise.all(Array.from({ length: workers }, () => startWorkerProcess(redis.url)));
      try {
        log(`queue: ${workers} worker(s) up; warming up`);
        await throughput(tasks, Math.min(2000, jobsPerRound(workers) / 4));
        const rates: number[] = [];
        for (let round = 0; round < options.rounds; round++) {
          const rate = await throughput(tasks, jobsPerRound(workers));
          log(`queue: w${workers} round ${round + 1}: ${Math.round(rate)} jobs/s`);
          rates.push(rate);
        }
        perWorkers.set(workers, rates);
        if (workers === 1) {
          latency = await latencies(tasks, LATENCY_SAMPLES);
          log(`queue: latency p50 ${percentile(latency, 50).toFixed(2)} ms, p99 ${percentile(latency, 99).toFixed(2)} ms`);
        }
      } finally {
        await Promise.all(children.map((child) => stopChild(child, 10_000)));
      }
    }
  } catch (error) {
    failures.push(`queue: ${(error as Error).message}`);
  } finally {
    await closeQueueConnections();
    await redis.close();
  }
  const w1 = perWorkers.get(1) ?? [];
  const w2 = perWorkers.get(2) ?? [];
  const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "n/a" : String(Math.round(v)));
  const rows = [
    ["1 worker", fmt(w1.length ? median(w1) : undefined), fmt(w1.length ? Math.min(...w1) : undefined), fmt(w1.length ? Math.max(...w1) : undefined)],
    ["2 workers", fmt(w2.length ? median(w2) : undefined), fmt(w2.length ? Math.min(...w2) : undefined), fmt(w2.length ? Math.max(...w2) : undefined)],
  ];
  const p50 = latency.length ? percentile(latency, 50) : undefined;
  const p99 = latency.length ? percentile(latency, 99) : undefined;
  warnings.push("not pinned: the workers, redis-server and the producer share the machine's CPUs, as they would on one host");
  const report = [
    "queue: trivial task (thread lane) through Redis; producer keeps 256 jobs in flight; worker concurrency 16",
    formatTable(["workers", "median jobs/s", "min", "max"], rows),
    `enqueue → result, one job at a time (1 worker, ${LATENCY_SAMPLES} jobs): p50 ${p50?.toFixed(2) ?? "n/a"} ms, p99 ${p99?.toFixed(2) ?? "n/a"} ms`,
  ].join("\n");
  const summary = `queue: w1=${fmt(w1.length ? median(w1) : undefined)} w2=${fmt(w2.length ? median(w2) : undefined)} jobs/s p99=${p99 === undefined ? "n/a" : p99.toFixed(1)}ms`;
  return { report, summary, warnings, failures };
}

const scenario: Scenario = {
  name: "queue",
  description: "queue lane on a real Redis: jobs/s with 1 and 2 `loopwise worker` processes, enqueue → result p50/p99",
  estimateSeconds: (options) => 60 + 2 * options.rounds * (options.durationSec + 5),
  run,
};

export default scenario;
