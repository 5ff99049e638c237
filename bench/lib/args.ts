// Command line of bench/run.ts. Every limit is bounded so that a typo cannot start an hour-long
// run on a machine other engineers share.
import { parseArgs } from "node:util";
import type { LoadPreference } from "./load.js";
import type { BenchOptions } from "./scenario.js";

export interface BenchCommand {
  /** Scenario names as given, or ["all"]. Empty means: print usage. */
  scenarios: string[];
  /** Only the settings given as flags: they win over a scenario's own defaults ({@link scenarioOptions}). */
  given: Partial<BenchOptions>;
  loader: LoadPreference;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- <scenario...|all> [options]
  --duration <s>     seconds each server is measured per round (default 5; hello, post, watchdog: 3; 1..120)
  --rounds <n>       measured rounds, each measures every server, rotated (default 5; hello, post, watchdog: 10; 1..30)
  --connections <n>  concurrent connections (default 50, 1..2000)
  --warmup <s>       unmeasured warm-up seconds per server (default 3, 0..60)
  --loader <name>    auto | wrk | autocannon (default auto: wrk, installed if missing)`;

function boundedInteger(name: string, text: string, min: number, max: number): number {
  const value = Number(text.replace(/s$/, ""));
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`--${name} must be an integer within ${min}..${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Parses `process.argv.slice(2)`. Throws a RangeError or TypeError with a message fit for the
 * terminal on anything invalid.
 *
 * @example
 * parseBenchArgs(["hello", "--rounds", "7"]).given; // { rounds: 7 }
 */
export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      duration: { type: "string" },
      rounds: { type: "string" },
      connections: { type: "string" },
      warmup: { type: "string" },
      loader: { type: "string", default: "auto" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const loader = values.loader;
  if (loader !== "auto" && loader !== "wrk" && loader !== "autocannon") {
    throw new RangeError(`--loader must be auto, wrk or autocannon, got ${JSON.stringify(loader)}`);
  }
  const given: Partial<BenchOptions> = {};
  if (values.duration !== undefined) given.durationSec = boundedInteger("duration", values.duration, 1, 120);
  if (values.rounds !== undefined) given.rounds = boundedInteger("rounds", values.rounds, 1, 30);
  if (values.connections !== undefined) given.connections = boundedInteger("connections", values.connections, 1, 2000);
  if (values.warmup !== undefined) given.warmupSec = boundedInteger("warmup", values.warmup, 0, 60);
  return { scenarios: positionals, loader, help: values.help, given };
}

/** The settings without flags; a scenario may have defaults of its own (`Scenario.defaults`). */
export const DEFAULT_OPTIONS: Readonly<BenchOptions> = { durationSec: 5, rounds: 5, connections: 50, warmupSec: 3 };

/**
 * A scenario's settings: its own defaults over the general ones, and the flags over both.
 *
 * @example
 * scenarioOptions({ rounds: 10, durationSec: 3 }, { rounds: 4 }); // rounds 4, 3 s, 50 connections, 3 s warm-up
 */
export function scenarioOptions(scenarioDefaults: Partial<BenchOptions> | undefined, given: Partial<BenchOptions>): BenchOptions {
  return { ...DEFAULT_OPTIONS, ...scenarioDefaults, ...given };
}
