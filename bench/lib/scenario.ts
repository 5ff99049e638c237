// The contract between bench/run.ts and a file in bench/scenarios/. A scenario file default-exports
// one Scenario whose name is its file name; run.ts finds it by listing the folder, so a new
// scenario is one new file and nothing else.
import type { LoadGenerator } from "./load.js";
import type { Pinning } from "./pin.js";

/** Command-line settings shared by all scenarios. */
export interface BenchOptions {
  /** Seconds per measured run. */
  durationSec: number;
  /** Measured rounds; each round runs every server once, in a rotated order. */
  rounds: number;
  /** Concurrent connections held by the load generator. */
  connections: number;
  /** Seconds of the unmeasured warm-up run per server (JIT, caches, connection setup). */
  warmupSec: number;
}

export interface ScenarioContext {
  readonly options: BenchOptions;
  readonly load: LoadGenerator;
  readonly pin: Pinning;
  /** CPU for servers; the load generator has its own. */
  readonly serverCpu: number;
  /** Progress for a person watching: goes to stderr, never into the report. */
  log(line: string): void;
}

export interface ScenarioOutcome {
  /** Human-readable result, printed as it is (a table, a few notes). */
  report: string;
  /** Exactly one line, printed again at the very end of the run with the other scenarios' lines. */
  summary: string;
  /** Things that make the figures doubtful but not void (socket errors, a failed round). */
  warnings: string[];
  /** Things that make the figures void (a server that did not start or answered wrongly). */
  failures: string[];
}

export interface Scenario {
  /** Equal to the file's base name, lowercase words joined by '-'. */
  readonly name: string;
  readonly description: string;
  /**
   * Settings this scenario runs with when no flag says otherwise. The comparisons default to
   * more, shorter rounds: on a shared VM a server process keeps its luck (±30%) for its life,
   * and only more processes average it out.
   */
  readonly defaults?: Partial<BenchOptions>;
  /** Upper estimate of the wall time, used for the run's overall deadline. */
  estimateSeconds(options: BenchOptions): number;
  run(context: ScenarioContext): Promise<ScenarioOutcome>;
}
