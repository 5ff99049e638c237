// thread-overhead: what the hop to a pool thread costs. The same trivial handler on the loop lane
// (`/loop`) and on the thread lane (`/thread`) of one server, loaded in rotated rounds; the goal
// is thread >= 0.5x loop in req/s (the hop must be cheap: transfer, don't copy).
//
// This file is also the benchmark's server (one file per scenario is the harness's rule): run as
// a program with THREAD_OVERHEAD_SERVER=1 it serves; its pool threads import it too.
import { isMainThread } from "node:worker_threads";
import { expectExchange } from "../lib/check.js";
import { cpuMicrosPerRequest, otherProcessesShare, sampleCpu } from "../lib/cpu-share.js";
import type { LoadResult } from "../lib/load-result.js";
import { formatFigure, formatTable } from "../lib/report.js";
import type { Scenario, ScenarioContext, ScenarioOutcome } from "../lib/scenario.js";
import { spawnServer, type RunningServer } from "../lib/spawn-server.js";
import { median } from "../lib/stats.js";

const SERVER_ENV = "THREAD_OVERHEAD_SERVER";
const HELLO = { message: "Hello World" };

// ---- the server ---------------------------------------------------------------------------

// Only the server process has the variable; there, the only other threads importing this are pool threads.
if (process.env[SERVER_ENV] === "1" && (import.meta.main || !isMainThread)) {
  const { App } = await import("loopwise");
  const app = new App({ logger: false });
  app.get("/loop", () => HELLO);
  app.get("/thread", { lane: "thread" }, () => HELLO);
  if (import.meta.main && isMainThread) {
    const { announce } = await import("../servers/announce.js");
    announce(await app.listen({ port: 0, host: "127.0.0.1" }));
  }
}

// ---- the scenario -------------------------------------------------------------------------

const LANES = ["loop", "thread"] as const;
type LaneName = (typeof LANES)[number];

/** One measured run, with the server's CPU per request (all its threads): steadier than req/s on a shared machine. */
interface Measured {
  load: LoadResult;
  cpuMicros: number | undefined;
  otherShare: number | undefined;
}

function startServer(context: ScenarioContext): Promise<RunningServer> {
  // spawnServer copies the environment synchronously, before its first await.
  process.env[SERVER_ENV] = "1";
  try {
    return spawnServer({ name: "loopwise", entry: new URL(import.meta.url).pathname }, { pin: context.pin, cpu: context.serverCpu });
  } finally {
    delete process.env[SERVER_ENV];
  }
}

async function run(context: ScenarioContext): Promise<ScenarioOutcome> {
  const { options, load } = context;
  const warnings: string[] = [];
  const failures: string[] = [];
  const results = new Map<LaneName, Measured[]>(LANES.map((lane) => [lane, []]));
  let server: RunningServer | undefined;
  try {
    server = await startServer(context);
    for (const lane of LANES) await expectExchange(server.origin, { method: "GET", path: `/${lane}`, status: 200, json: HELLO });
    const running = server;
    const once = async (lane: LaneName, durationSec: number): Promise<Measured> => {
      const before = context.pin.enabled ? sampleCpu(context.serverCpu, running.pid) : undefined;
      const result = await load.run({ url: `${running.origin}/${lane}`, method: "GET" }, { durationSec, connections: options.connections });
      const after = context.pin.enabled ? sampleCpu(context.serverCpu, running.pid) : undefined;
      return { load: result, cpuMicros: cpuMicrosPerRequest(before, after, result.totalRequests), otherShare: otherProcessesShare(before, after) };
    };
    if (options.warmupSec > 0) {
      for (const lane of LANES) {
        context.log(`thread-overhead: warm-up ${lane} (${options.warmupSec} s)`);
        await once(lane, options.warmupSec);
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      for (let i = 0; i < LANES.length; i++) {
        const lane = LANES[(i + round) % LANES.length]!;
        try {
          const measured = await once(lane, options.durationSec);
          results.get(lane)!.push(measured);
          context.log(
            `thread-overhead: round ${round + 1}/${options.rounds} ${lane.padEnd(6)} ${Math.round(measured.load.requestsPerSec)} req/s ` +
              `p99 ${formatFigure(measured.load.latencyMs.p99)} ms, ${formatFigure(measured.cpuMicros)} µs CPU/request`,
          );
        } catch (error) {
          warnings.push(`thread-overhead/${lane}: a run failed: ${(error as Error).message}`);
        }
      }
    }
  } catch (error) {
    failures.push(`thread-overhead: ${(error as Error).message}`);
  } finally {
    await server?.stop();
  }

  const rates = new Map<LaneName, number | undefined>();
  const cpuPerRequest = new Map<LaneName, number | undefined>();
  const rows: string[][] = [];
  for (const lane of LANES) {
    const measured = results.get(lane) ?? [];
    const runs = measured.map((m) => m.load);
    const cpu = measured.map((m) => m.cpuMicros).filter((value): value is number => value !== undefined);
    const others = measured.map((m) => m.otherShare).filter((value): value is number => value !== undefined);
    const non2xx = runs.reduce((sum, run) => sum + run.non2xx, 0);
    const errors = runs.reduce((sum, run) => sum + run.socketErrors, 0);
    if (non2xx > 0) failures.push(`thread-overhead/${lane}: ${non2xx} responses were not 2xx`);
    if (errors > 0) warnings.push(`thread-overhead/${lane}: ${errors} socket errors`);
    const rate = runs.length ? median(runs.map((run) => run.requestsPerSec)) : undefined;
    const p99s = runs.map((run) => run.latencyMs.p99).filter((value): value is number => value !== undefined);
    const p50s = runs.map((run) => run.latencyMs.p50).filter((value): value is number => value !== undefined);
    rates.set(lane, rate);
    rows.push([
      lane,
      formatFigure(rate),
      formatFigure(p50s.length ? median(p50s) : undefined),
      formatFigure(p99s.length ? median(p99s) : undefined),
      formatFigure(cpu.length ? median(cpu) : undefined),
      others.length ? `${Math.round(median(others) * 100)}%` : "n/a",
      String(runs.length),
    ]);
    cpuPerRequest.set(lane, cpu.length ? median(cpu) : undefined);
  }
  const loop = rates.get("loop");
  const thread = rates.get("thread");
  const ratio = loop !== undefined && thread !== undefined && loop > 0 ? (thread / loop).toFixed(2) : "n/a";
  const integer = (value: number | undefined) => (value === undefined ? "n/a" : String(Math.round(value)));
  return {
    report: `thread-overhead: GET {"message":"Hello World"} on each lane, ${options.connections} connections, medians of ${options.rounds} rounds\n` +
      formatTable(["lane", "req/s", "p50 ms", "p99 ms", "CPU µs/req", "others' CPU", "runs"], rows) +
      `\nCPU per request (server, all threads; steadier than req/s when others use the machine): ` +
      `loop ${formatFigure(cpuPerRequest.get("loop"))} µs, thread ${formatFigure(cpuPerRequest.get("thread"))} µs`,
    summary: `thread-overhead: loop=${integer(loop)} thread=${integer(thread)} req/s ratio=${ratio}`,
    warnings,
    failures,
  };
}

const scenario: Scenario = {
  name: "thread-overhead",
  description: "a trivial handler on the thread lane vs the loop lane: the cost of the hop to a pool thread",
  estimateSeconds: (options) => LANES.length * (options.warmupSec + options.rounds * (options.durationSec + 1)) + 30,
  run,
};

export default scenario;
