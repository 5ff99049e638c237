// The A/B/C method shared by scenarios that put the same request to several servers: each round
// starts a fresh process of every server, checks each answers correctly, warms each up, then
// measures them in one-second bursts that alternate between the servers (ABC CBA ABC ...), so
// that drift over time (thermal, other tenants of the machine) falls on all servers alike. The
// ratio against Fastify is the median of the rounds' own ratios (bursts.ts says why). Fresh
// processes each round because one process of a build can run 20-30% faster or slower than the
// next for its whole life on a shared VM: with one process per server for all rounds, that
// single draw decided the ratio.
import { BURST_SEC, burstOrder, formatRoundRatios, mergeBursts, pairedRatio } from "./bursts.js";
import { cpuMicrosPerRequest, otherProcessesShare, sampleCpu } from "./cpu-share.js";
import type { LoadRequest } from "./load.js";
import {
  COMPARISON_HEADERS,
  COMPARISON_LEGEND,
  percent,
  summarizeServer,
  type MeasuredRun,
} from "./comparison-summary.js";
import { LOOPWISE_WATCHDOG_ENV, loopwiseWatchdogOff } from "../servers/loopwise-variant.js";
import { formatComparisonLine, formatFigure, formatTable, type ComparisonFigures } from "./report.js";
import type { BenchOptions, ScenarioContext, ScenarioOutcome } from "./scenario.js";
import { spawnServer, type RunningServer, type ServerSpec } from "./spawn-server.js";

/**
 * Settings of the scenarios that compare server processes (`Scenario.defaults`): more, shorter
 * rounds, since each round's fresh processes bring their own luck and only more of them average it.
 */
export const COMPARISON_DEFAULTS: Readonly<Partial<BenchOptions>> = { rounds: 10, durationSec: 3 };

export interface ComparisonPlan {
  scenario: string;
  servers: readonly ServerSpec[];
  /** The benchmarked request; `url` is the path, the origin is each server's. */
  request: Omit<LoadRequest, "url"> & { path: string };
  /** Throws when a server answers wrongly; run once per server before any load. */
  check(origin: string): Promise<void>;
}

/**
 * `i`-th rotation of `items`: round 0 runs A,B,C, round 1 B,C,A, round 2 C,A,B, ...
 *
 * @example
 * rotate(["a", "b", "c"], 1); // ["b", "c", "a"]
 */
export function rotate<T>(items: readonly T[], i: number): T[] {
  if (items.length === 0) return [];
  const shift = ((i % items.length) + items.length) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** Wall-time estimate of `compareServers` for the run's deadline. */
export function comparisonSeconds(serverCount: number, options: ScenarioContext["options"]): number {
  const startAndCheck = 15;
  // Each one-second burst also starts a load generator: about half a second more.
  return serverCount * options.rounds * (startAndCheck + options.warmupSec + options.durationSec * 1.5);
}

/** Runs the plan and returns its table and its `formatComparisonLine` summary. */
export async function compareServers(context: ScenarioContext, plan: ComparisonPlan): Promise<ScenarioOutcome> {
  const { options, load } = context;
  const warnings: string[] = [];
  // Read before any server starts, so a wrong value stops the run at once.
  if (loopwiseWatchdogOff()) {
    warnings.push(`${plan.scenario}/loopwise: served with watchdog: false (${LOOPWISE_WATCHDOG_ENV}=off), a diagnostic: not loopwise's defaults`);
  }
  const failures: string[] = [];
  const running: RunningServer[] = [];
  const results = new Map<string, MeasuredRun[]>(plan.servers.map((spec) => [spec.name, []]));
  // Per round, each server's req/s: the paired ratio compares figures of the same round.
  const roundRates: Map<string, number>[] = [];
  // Without pinning the server's CPU is unknown, so there is nothing meaningful to sample.
  const sample = (server: RunningServer) =>
    context.pin.enabled ? sampleCpu(context.serverCpu, server.pid) : undefined;

  const runOnce = async (server: RunningServer, durationSec: number): Promise<MeasuredRun | undefined> => {
    try {
      const before = sample(server);
      const result = await load.run(
        { ...plan.request, url: `${server.origin}${plan.request.path}` },
        { durationSec, connections: options.connections },
      );
      const after = sample(server);
      return {
        load: result,
        otherShare: otherProcessesShare(before, after),
        cpuMicrosPerRequest: cpuMicrosPerRequest(before, after, result.totalRequests),
      };
    } catch (error) {
      warnings.push(`${plan.scenario}/${server.name}: a run failed: ${(error as Error).message}`);
      return undefined;
    }
  };

  // Starts, checks and warms a fresh process of every server; a server that fails is left out of
  // the round. The start order rotates with the rounds, as the burst order does: which process
  // starts first must not favour one server in every round.
  const startRound = async (round: number): Promise<void> => {
    for (const spec of rotate(plan.servers, round)) {
      context.log(`${plan.scenario}: round ${round + 1}/${options.rounds}: starting ${spec.name}`);
      try {
        const server = await spawnServer(spec, { pin: context.pin, cpu: context.serverCpu });
        try {
          await plan.check(server.origin);
        } catch (error) {
          await server.stop();
          throw error;
        }
        running.push(server);
      } catch (error) {
        const failure = `${plan.scenario}/${spec.name}: ${(error as Error).message}`;
        if (!failures.includes(failure)) failures.push(failure);
      }
    }
    if (options.warmupSec > 0) {
      for (const server of running) await runOnce(server, options.warmupSec);
    }
  };
  const stopRound = async (): Promise<void> => {
    for (const server of running) {
      if (server.hasExited()) {
        failures.push(`${plan.scenario}/${server.name}: the server died during the runs (${server.describeExit()})`);
      }
    }
    await Promise.all(running.map((server) => server.stop()));
    running.length = 0;
  };

  try {
    for (let round = 0; round < options.rounds; round++) {
      // `running` is in the round's rotated start order, which the bursts follow.
      await startRound(round);
      const bursts = new Map<RunningServer, MeasuredRun[]>(running.map((server) => [server, []]));
      for (let burst = 0; burst < options.durationSec; burst++) {
        for (const server of burstOrder(running, burst)) {
          if (server.hasExited()) continue;
          const measured = await runOnce(server, BURST_SEC);
          if (measured) bursts.get(server)!.push(measured);
        }
      }
      const rates = new Map<string, number>();
      roundRates.push(rates);
      for (const server of running) {
        const measured = mergeBursts(bursts.get(server)!);
        if (!measured) continue;
        results.get(server.name)?.push(measured);
        rates.set(server.name, measured.load.requestsPerSec);
        context.log(
          `${plan.scenario}: round ${round + 1}/${options.rounds} ${server.name.padEnd(8)} ` +
            `${Math.round(measured.load.requestsPerSec)} req/s p99 ${formatFigure(measured.load.latencyMs.p99)} ms` +
            `, ${formatFigure(measured.cpuMicrosPerRequest)} µs CPU/req` +
            `, other processes ${percent(measured.otherShare)} of its CPU`,
        );
      }
      await stopRound();
    }
  } finally {
    await stopRound();
  }

  const rows: string[][] = [];
  const medians = new Map<string, number | undefined>();
  for (const spec of plan.servers) {
    const summary = summarizeServer(plan.scenario, spec.name, results.get(spec.name) ?? []);
    rows.push(summary.row);
    medians.set(spec.name, summary.requestsPerSec);
    warnings.push(...summary.warnings);
    failures.push(...summary.failures);
  }
  const table = formatTable(COMPARISON_HEADERS, rows);
  const request = `${plan.request.method} ${plan.request.path}`;
  const againstFastify = roundRates.map((rates) => ({ a: rates.get("loopwise"), b: rates.get("fastify") }));
  const figures: ComparisonFigures = {
    loopwise: medians.get("loopwise"),
    fastify: medians.get("fastify"),
    node: medians.get("node"),
    ratio: pairedRatio(againstFastify),
  };
  return {
    report:
      `${plan.scenario}: ${request}, medians of ${options.rounds} rounds, each of ${options.durationSec} alternating ${BURST_SEC} s bursts per server\n${table}\n(${COMPARISON_LEGEND}; ` +
      `ratio_vs_fastify: the median of the rounds' own loopwise/fastify ratios, by round: ${formatRoundRatios(againstFastify, 2)})`,
    summary: formatComparisonLine(plan.scenario, figures),
    warnings,
    failures,
  };
}
