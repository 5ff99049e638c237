// Starts `loopwise worker <fixture app>` processes for the queue tests (the real CLI binary on the
// pinned Node 24), and waits for what they print.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { watchChild } from "../support/child-process.js";
import { nodeBin, repoRoot, tsNodeArgs } from "../support/node-bin.js";

export const loopwiseBin = path.join(repoRoot, "bin", "loopwise.js");
/** The CLI from the sources (see worker-main.ts): `[...cliCommand, "worker", ...]`. */
export const cliCommand = [...tsNodeArgs, path.join(repoRoot, "test", "queue", "worker-main.ts")];
export const fixtureApp = "test/fixtures/queue/app.ts";

/** A running `loopwise worker`. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  /** Resolves once `pattern` appears in its output (stdout and stderr). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  readonly exited: Promise<number | string>;
  /** SIGTERM; SIGKILL if it has not exited after `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | string>;
  kill(): Promise<number | string>;
}

/** Starts a worker and (unless `ready: false`) waits for its "ready" line. */
export async function startWorker(args: string[], env: Record<string, string>, { ready = true }: { ready?: boolean } = {}): Promise<WorkerProcess> {
  const child = spawn(nodeBin, [...cliCommand, "worker", ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { pid, output, waitFor, exited, stop } = watchChild(child, { label: `worker ${child.pid}`, waitOn: "output" });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    return exited;
  };
  const worker: WorkerProcess = { child, pid, output, waitFor, exited, stop, kill };
  if (!ready) return worker;
  try {
    await waitFor(/loopwise worker ready/, 60_000);
  } catch (error) {
    await kill();
    throw error;
  }
  return worker;
}
