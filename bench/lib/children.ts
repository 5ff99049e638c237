// Every process the harness starts is registered here, so that no server or load generator
// outlives the run: on normal exit, on an uncaught error, on SIGINT/SIGTERM and on the global
// deadline, all of them are killed.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

const live = new Set<ChildProcess>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only kill that needs no waiting.
  process.on("exit", () => killAllNow("SIGKILL"));
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
      killAllNow("SIGTERM");
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
}

/** spawn(), with the child registered for clean-up until it exits. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  installExitHooks();
  const child = spawn(command, args, options);
  live.add(child);
  child.once("exit", () => live.delete(child));
  child.once("error", () => live.delete(child));
  return child;
}

/** Sends `signal` to every child still running (by its own pid, never by name). */
export function killAllNow(signal: NodeJS.Signals): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

/**
 * Asks a child to stop with SIGTERM and resolves once it has exited, escalating to SIGKILL after
 * `graceMs`.
 */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const escalate = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(escalate);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Number of children still running, for the final sanity check. */
export function liveChildCount(): number {
  return live.size;
}
