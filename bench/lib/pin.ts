// CPU pinning with taskset(1) from util-linux. On a 2-core machine the server gets core 0 and the
// load generator core 1, so they do not fight over one core and results repeat. Without taskset
// (or without both cores) the harness still runs, unpinned, and says so.
import { spawnSync } from "node:child_process";

/** How to start a process on a given CPU; `command()` is the identity when pinning is off. */
export interface Pinning {
  readonly enabled: boolean;
  /** Why pinning is off, for the run's header; undefined when it is on. */
  readonly warning: string | undefined;
  command(cpu: number, command: string, args: readonly string[]): { command: string; args: string[] };
}

/**
 * Checks that `taskset` exists and may place a process on each of `cpus`.
 *
 * @example
 * const pin = detectPinning([0, 1]);
 * const { command, args } = pin.command(0, process.execPath, ["server.js"]);
 */
export function detectPinning(cpus: readonly number[] = [0, 1]): Pinning {
  const probe = spawnSync("taskset", ["-c", cpus.join(","), "true"], { encoding: "utf8", timeout: 5000 });
  let warning: string | undefined;
  if (probe.error) {
    warning =
      (probe.error as NodeJS.ErrnoException).code === "ENOENT"
        ? "taskset not found (install util-linux): processes run unpinned, figures are noisier"
        : `taskset failed (${probe.error.message}): processes run unpinned`;
  } else if (probe.status !== 0) {
    warning = `taskset cannot use CPUs ${cpus.join(",")} (${probe.stderr.trim()}): processes run unpinned`;
  }
  if (warning !== undefined) return unpinned(warning);
  return {
    enabled: true,
    warning: undefined,
    command: (cpu, command, args) => ({ command: "taskset", args: ["-c", String(cpu), command, ...args] }),
  };
}

function unpinned(warning: string): Pinning {
  return { enabled: false, warning, command: (_cpu, command, args) => ({ command, args: [...args] }) };
}
