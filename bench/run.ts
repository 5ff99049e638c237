// Entry point of `npm run bench -- <scenario...|all>`. Scenarios are the files of
// bench/scenarios/; this file only selects them, prepares the shared context, bounds the run in
// time, and prints each report followed, at the very end, by one summary line per scenario.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseBenchArgs, scenarioOptions, USAGE } from "./lib/args.js";
import { killAllNow, liveChildCount } from "./lib/children.js";
import { chooseLoadGenerator } from "./lib/load.js";
import { detectPinning } from "./lib/pin.js";
import type { Scenario, ScenarioContext } from "./lib/scenario.js";

const SERVER_CPU = 0;
const LOAD_CPU = 1;
const SCENARIO_DIR = fileURLToPath(new URL("./scenarios/", import.meta.url));

function isScenario(value: unknown): value is Scenario {
  const candidate = value as Partial<Scenario> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.name === "string" &&
    typeof candidate.run === "function" &&
    typeof candidate.estimateSeconds === "function"
  );
}

async function discoverScenarios(): Promise<Map<string, Scenario>> {
  const found = new Map<string, Scenario>();
  const files = readdirSync(SCENARIO_DIR).filter((file) => /^[a-z0-9][a-z0-9-]*\.ts$/.test(file)).sort();
  for (const file of files) {
    const module = (await import(pathToFileURL(join(SCENARIO_DIR, file)).href)) as { default?: unknown };
    const scenario = module.default;
    const expected = basename(file, ".ts");
    if (!isScenario(scenario) || scenario.name !== expected) {
      throw new Error(`bench/scenarios/${file} must default-export a Scenario named "${expected}"`);
    }
    found.set(scenario.name, scenario);
  }
  return found;
}

function selectScenarios(requested: readonly string[], available: Map<string, Scenario>): Scenario[] {
  if (requested.includes("all")) return [...available.values()];
  return requested.map((name) => {
    const scenario = available.get(name);
    if (!scenario) throw new Error(`unknown scenario "${name}"; available: ${[...available.keys()].join(", ")}, all`);
    return scenario;
  });
}

function formatLoad(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
}

/** Compiles loopwise to dist/, which the benchmark servers import (see SERVER_NODE_FLAGS). */
function buildLoopwise(): void {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const built = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  if (built.status !== 0) throw new Error("bench: `tsc -p tsconfig.build.json` failed; the servers need dist/");
}

async function main(): Promise<number> {
  const command = parseBenchArgs(process.argv.slice(2));
  const available = await discoverScenarios();
  if (command.help || command.scenarios.length === 0) {
    console.log(USAGE);
    console.log("scenarios:");
    for (const scenario of available.values()) console.log(`  ${scenario.name.padEnd(16)} ${scenario.description}`);
    return command.help ? 0 : 2;
  }
  const scenarios = selectScenarios(command.scenarios, available);
  const optionsOf = (scenario: Scenario) => scenarioOptions(scenario.defaults, command.given);
  buildLoopwise();

  const pin = detectPinning([SERVER_CPU, LOAD_CPU]);
  // May install wrk with apt (its own timeouts bound it), so the budget starts after it.
  const { generator, note } = chooseLoadGenerator(command.loader, pin, LOAD_CPU);

  const budgetSec = scenarios.reduce((sum, scenario) => sum + scenario.estimateSeconds(optionsOf(scenario)), 0) * 1.5 + 60;
  setTimeout(() => {
    process.stderr.write(`bench: over the ${Math.round(budgetSec)} s budget, stopping everything\n`);
    killAllNow("SIGKILL");
    process.exit(124);
  }, budgetSec * 1000).unref();
  const header = [
    `date: ${new Date().toISOString()}`,
    `node: ${process.version} (${process.execPath})`,
    `machine: ${availableParallelism()} CPUs, ${cpus()[0]?.model ?? "unknown model"}, ` +
      // Other work on a shared machine is the main source of noise; say how busy it was.
      `load average ${formatLoad()} at start`,
    `load generator: ${note}`,
    `pinning: ${pin.enabled ? `servers on CPU ${SERVER_CPU}, load generator on CPU ${LOAD_CPU}` : pin.warning}`,
    ...scenarios.map((scenario) => {
      const options = optionsOf(scenario);
      return (
        `settings of ${scenario.name}: ${options.rounds} rounds x ${options.durationSec} s, ${options.connections} connections, ` +
        `${options.warmupSec} s warm-up per server`
      );
    }),
    `budget: ${Math.round(budgetSec)} s`,
  ];
  console.log(header.join("\n") + "\n");

  const summaries: string[] = [];
  let failed = false;
  for (const scenario of scenarios) {
    const context: ScenarioContext = {
      options: optionsOf(scenario),
      load: generator,
      pin,
      serverCpu: SERVER_CPU,
      log: (line) => process.stderr.write(`${line}\n`),
    };
    const outcome = await scenario.run(context);
    const notes = [
      ...outcome.failures.map((text) => `FAILED: ${text}`),
      ...outcome.warnings.map((text) => `warning: ${text}`),
    ];
    console.log([outcome.report, ...notes].join("\n") + "\n");
    failed ||= outcome.failures.length > 0;
    summaries.push(outcome.summary);
  }
  if (liveChildCount() > 0) process.stderr.write(`bench: ${liveChildCount()} child processes still running\n`);
  console.log(`load average ${formatLoad()} at end\n`);
  console.log(summaries.join("\n"));
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    killAllNow("SIGKILL");
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    killAllNow("SIGKILL");
    process.exit(2);
  },
);
