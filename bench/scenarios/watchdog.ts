// watchdog: what the watchdog and the always-on request profile cost, and how fast a block is
// seen. Hello world served by two processes, one with `watchdog: false` and one with the
// defaults (watchdog thread, in-flight table, phases; Server-Timing is a development default, not
// a production one), a fresh pair of processes each round (with its own warm-up), loaded in
// one-second bursts that alternate between the two;
// the goal is on >= 0.97x off in req/s. On a shared machine req/s swings with other processes'
// load from one second to the next, so the ratio is the median of the rounds' own ratios, and
// each run also records the server's CPU time per request and how much of its core other
// processes took. Then the "on" server
// blocks its loop for 1 s a few times: detect_ms is the time from the start of the block to the
// moment its stack was taken.
//
// This file is also the benchmark's server: run as a program with WATCHDOG_BENCH_SERVER=on|off.
//
// BENCH_WATCHDOG_ON=noengine makes "on" the watch without its thread (`watchdog: { enabled:
// false }`), and =nocapture the watchdog without its inspector session (`captureStacks: false`):
// a development aid to see which part of the cost is which (detect_ms is then not measured).
import { expectExchange } from "../lib/check.js";
import { envChoice } from "../lib/env.js";
import { BURST_SEC, burstOrder, formatRoundRatios, mergeBursts, pairedRatio } from "../lib/bursts.js";
import { COMPARISON_DEFAULTS, rotate } from "../lib/compare.js";
import { BUSY_SHARE_LIMIT, percent, type MeasuredRun } from "../lib/comparison-summary.js";
import { cpuMicrosPerRequest, otherProcessesShare, sampleCpu } from "../lib/cpu-share.js";
import { formatFigure, formatTable } from "../lib/report.js";
import type { Scenario, ScenarioContext, ScenarioOutcome } from "../lib/scenario.js";
import { spawnServer, type RunningServer } from "../lib/spawn-server.js";
import { median } from "../lib/stats.js";

const SERVER_ENV = "WATCHDOG_BENCH_SERVER";
const HELLO = { message: "Hello World" };
const BLOCK_MS = 1000;
const BLOCKS = 3;
/** BENCH_WATCHDOG_ON, read by the scenario and (through the environment) by its "on" server. */
const PART = envChoice("BENCH_WATCHDOG_ON", "", ["noengine", "nocapture"]);

// ---- the server ---------------------------------------------------------------------------

if (process.env[SERVER_ENV] !== undefined && import.meta.main) {
  const { App } = await import("loopwise");
  const on = process.env[SERVER_ENV] === "on";
  let detectMs: number | null = null;
  let blockStartedAt = 0;
  const app = new App({
    logger: false,
    watchdog: on
      ? {
          logger: false,
          rateLimitMs: 0,
          enabled: PART !== "noengine",
          captureStacks: PART !== "nocapture",
          onBlock: (report) => {
            if (!report.ended || report.captureLagMs === null) return;
            // When the stack was taken, on the wall clock, from the block's last heartbeat.
            const takenAt = report.at.getTime() + report.detectedAfterMs + report.captureLagMs;
            detectMs = takenAt - blockStartedAt;
          },
        }
      : false,
  });
  app.get("/", () => HELLO);
  app.get("/block", () => {
    blockStartedAt = performance.timeOrigin + performance.now();
    const end = performance.now() + BLOCK_MS;
    while (performance.now() < end);
    return { blocked: BLOCK_MS };
  });
  app.get("/last-block", () => ({ detectMs }));
  // Lets the scenario check that the modes differ as they should before measuring them.
  app.get("/watch-state", () => ({ profiled: app.watch !== undefined, watchdog: app.watch?.watchdog?.enabled === true }));
  const { announce } = await import("../servers/announce.js");
  announce(await app.listen({ port: 0, host: "127.0.0.1" }));
}

// ---- the scenario -------------------------------------------------------------------------

const MODES = ["off", "on"] as const;
const ENGINE_ON = PART !== "noengine";
type Mode = (typeof MODES)[number];

function startServer(context: ScenarioContext, mode: Mode): Promise<RunningServer> {
  // spawnServer copies the environment synchronously, before its first await.
  process.env[SERVER_ENV] = mode;
  try {
    return spawnServer({ name: `watchdog-${mode}`, entry: new URL(import.meta.url).pathname }, { pin: context.pin, cpu: context.serverCpu });
  } finally {
    delete process.env[SERVER_ENV];
  }
}

/** Blocks the server's loop for 1 s and asks how long the watchdog took to take the stack. */
async function measureDetection(server: RunningServer): Promise<number | undefined> {
  await (await fetch(`${server.origin}/block`)).arrayBuffer();
  for (let attempt = 0; attempt < 40; attempt++) {
    // The final report follows the block's end by a poll or two.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { detectMs } = (await (await fetch(`${server.origin}/last-block`)).json()) as { detectMs: number | null };
    if (detectMs !== null) return detectMs;
  }
  return undefined;
}

async function run(context: ScenarioContext): Promise<ScenarioOutcome> {
  const { options, load } = context;
  const warnings: string[] = [];
  const failures: string[] = [];
  const results = new Map<Mode, MeasuredRun[]>(MODES.map((mode) => [mode, []]));
  const servers = new Map<Mode, RunningServer>();
  const detections: number[] = [];
  // Each round's merged run per mode: ratios pair figures of the same round.
  const roundRuns: Map<Mode, MeasuredRun>[] = [];
  // A fresh pair of processes each round: one process of a given build can run persistently
  // 10-20 % faster or slower than the next (code layout, caches), which one pair would take for
  // the watchdog's cost.
  // Started (and warmed) in the round's order too: a process's start position must not favour a mode.
  const startPair = async (order: readonly Mode[]): Promise<void> => {
    for (const server of servers.values()) await server.stop();
    servers.clear();
    for (const mode of order) servers.set(mode, await startServer(context, mode));
    for (const [mode, server] of servers) {
      await expectExchange(server.origin, { method: "GET", path: "/", status: 200, json: HELLO });
      const state = (await (await fetch(`${server.origin}/watch-state`)).json()) as { profiled: boolean; watchdog: boolean };
      const on = mode === "on";
      if (state.profiled !== on || state.watchdog !== (on && ENGINE_ON)) throw new Error(`watchdog/${mode}: expected the watch ${on ? "on" : "off"}, got ${JSON.stringify(state)}`);
    }
  };
  try {
    const once = async (mode: Mode, durationSec: number): Promise<MeasuredRun> => {
      const server = servers.get(mode)!;
      const sample = () => (context.pin.enabled ? sampleCpu(context.serverCpu, server.pid) : undefined);
      const before = sample();
      const result = await load.run({ url: `${server.origin}/`, method: "GET" }, { durationSec, connections: options.connections });
      const after = sample();
      return { load: result, otherShare: otherProcessesShare(before, after), cpuMicrosPerRequest: cpuMicrosPerRequest(before, after, result.totalRequests) };
    };
    for (let round = 0; round < options.rounds; round++) {
      const order = rotate(MODES, round);
      await startPair(order);
      if (options.warmupSec > 0) {
        for (const mode of order) await once(mode, options.warmupSec);
      }
      const bursts = new Map<Mode, MeasuredRun[]>(MODES.map((mode) => [mode, []]));
      for (let burst = 0; burst < options.durationSec; burst++) {
        for (const mode of burstOrder(order, burst)) {
          try {
            bursts.get(mode)!.push(await once(mode, BURST_SEC));
          } catch (error) {
            warnings.push(`watchdog/${mode}: a run failed: ${(error as Error).message}`);
          }
        }
      }
      const measuredThisRound = new Map<Mode, MeasuredRun>();
      roundRuns.push(measuredThisRound);
      for (const mode of order) {
        const measured = mergeBursts(bursts.get(mode)!);
        if (measured === undefined) continue;
        results.get(mode)!.push(measured);
        measuredThisRound.set(mode, measured);
        context.log(
          `watchdog: round ${round + 1}/${options.rounds} ${mode.padEnd(3)} ${Math.round(measured.load.requestsPerSec)} req/s, ` +
            `${formatFigure(measured.cpuMicrosPerRequest)} µs CPU/req, other processes ${percent(measured.otherShare)}`,
        );
      }
    }
    for (let i = 0; i < (PART === "" ? BLOCKS : 0); i++) {
      const detected = await measureDetection(servers.get("on")!);
      if (detected === undefined) failures.push("watchdog/on: a 1 s block was not reported");
      else detections.push(detected);
      context.log(`watchdog: block ${i + 1}/${BLOCKS} detected after ${formatFigure(detected)} ms`);
    }
  } catch (error) {
    failures.push(`watchdog: ${(error as Error).message}`);
  } finally {
    for (const server of servers.values()) await server.stop();
  }

  const rates = new Map<Mode, number | undefined>();
  const quietRates = new Map<Mode, number | undefined>();
  const cpus = new Map<Mode, number | undefined>();
  const rows: string[][] = [];
  const medianOf = (values: (number | undefined)[]): number | undefined => {
    const known = values.filter((value): value is number => value !== undefined);
    return known.length ? median(known) : undefined;
  };
  for (const mode of MODES) {
    const runs = results.get(mode) ?? [];
    const non2xx = runs.reduce((sum, one) => sum + one.load.non2xx, 0);
    const errors = runs.reduce((sum, one) => sum + one.load.socketErrors, 0);
    if (non2xx > 0) failures.push(`watchdog/${mode}: ${non2xx} responses were not 2xx`);
    if (errors > 0) warnings.push(`watchdog/${mode}: ${errors} socket errors`);
    const quiet = runs.filter((one) => one.otherShare !== undefined && one.otherShare <= BUSY_SHARE_LIMIT);
    rates.set(mode, medianOf(runs.map((one) => one.load.requestsPerSec)));
    quietRates.set(mode, medianOf(quiet.map((one) => one.load.requestsPerSec)));
    cpus.set(mode, medianOf(runs.map((one) => one.cpuMicrosPerRequest)));
    rows.push([
      mode,
      formatFigure(rates.get(mode)),
      quiet.length ? `${formatFigure(quietRates.get(mode))} (${quiet.length})` : "none",
      formatFigure(cpus.get(mode)),
      formatFigure(medianOf(runs.map((one) => one.load.latencyMs.p50))),
      formatFigure(medianOf(runs.map((one) => one.load.latencyMs.p99))),
      percent(medianOf(runs.map((one) => one.otherShare))),
      runs.map((one) => String(Math.round(one.load.requestsPerSec))).join(" "),
    ]);
  }
  // Each round's on/off ratio compares figures measured seconds apart; the median of those is the
  // headline (bench/lib/bursts.ts). The same pairing by CPU time per request is the second opinion.
  const off = rates.get("off");
  const on = rates.get("on");
  const onOff = roundRuns.map((runs) => ({ a: runs.get("on")?.load.requestsPerSec, b: runs.get("off")?.load.requestsPerSec }));
  const pairedOnOff = pairedRatio(onOff);
  const ratio = pairedOnOff === undefined ? "n/a" : pairedOnOff.toFixed(3);
  const pairedCpu = pairedRatio(roundRuns.map((runs) => ({ a: runs.get("off")?.cpuMicrosPerRequest, b: runs.get("on")?.cpuMicrosPerRequest })));
  const cpuRatio = pairedCpu === undefined ? "n/a" : pairedCpu.toFixed(3);
  const roundRatios = formatRoundRatios(onOff, 3);
  const detectMs = detections.length ? String(Math.round(median(detections))) : "n/a";
  const integer = (value: number | undefined) => (value === undefined ? "n/a" : String(Math.round(value)));
  return {
    report:
      `watchdog: GET {"message":"Hello World"} with watchdog: false vs the defaults, ${options.connections} connections, medians of ${options.rounds} rounds of ${options.durationSec} alternating ${BURST_SEC} s bursts each\n` +
      formatTable(["watchdog", "req/s", "quiet runs (n)", "CPU µs/req", "p50 ms", "p99 ms", "other CPU", "each round"], rows) +
      `\nratio: the median of the rounds' own on/off req/s ratios (${roundRatios}); the same by CPU time per request, off/on = ${cpuRatio}` +
      `\n"other CPU": median share of the server's core used by other processes; quiet: at most ${percent(BUSY_SHARE_LIMIT)}` +
      `\ndetection of a ${BLOCK_MS} ms block (start of the block to its stack taken), threshold 250 ms: ${detections.map((ms) => Math.round(ms)).join(", ") || "none"} ms`,
    summary: `watchdog: off=${integer(off)} on=${integer(on)} req/s ratio=${ratio} detect_ms=${detectMs}`,
    warnings,
    failures,
  };
}

const scenario: Scenario = {
  name: "watchdog",
  description: "hello world with the watchdog and always-on profile vs without; time to detect a 1 s block",
  defaults: COMPARISON_DEFAULTS,
  estimateSeconds: (options) => options.rounds * MODES.length * (options.warmupSec + options.durationSec * 1.5 + 4) + BLOCKS * 4 + 30,
  run,
};

export default scenario;
