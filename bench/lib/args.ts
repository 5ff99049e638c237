// Command line of bench/run.ts. Every limit is bounded so that a typo cannot start an hour-long
// run on a machine other engineers share.
import { parseArgs } from "node:util";
import type { LoadPreference } from "./load.js";
import type { BenchOptions } from "./scenario.js";

export interface BenchCommand {
  /** Scenario names as given, or ["all"]. Empty means: print usage. */
  scenarios: string[];
  options: BenchOptions;
  loader: LoadPreference;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- <scenario...|all> [options]
  --duration <s>     seconds each server is measured per round (default 5, 1..120)
  --rounds <n>       measured rounds, each runs every server once, rotated (default 5, 1..30)
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
 * parseBenchArgs(["hello", "--rounds", "7"]).options.rounds; // 7
 */
export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      duration: { type: "string", default: "5" },
      rounds: { type: "string", default: "5" },
      connections: { type: "string", default: "50" },
      warmup: { type: "string", default: "3" },
      loader: { type: "string", default: "auto" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const loader = values.loader;
  if (loader !== "auto" && loader !== "wrk" && loader !== "autocannon") {
    throw new RangeError(`--loader must be auto, wrk or autocannon, got ${JSON.stringify(loader)}`);
  }
  return {
    scenarios: positionals,
    loader,
    help: values.help,
    options: {
      durationSec: boundedInteger("duration", values.duration, 1, 120),
      rounds: boundedInteger("rounds", values.rounds, 1, 30),
      connections: boundedInteger("connections", values.connections, 1, 2000),
      warmupSec: boundedInteger("warmup", values.warmup, 0, 60),
    },
  };
}
