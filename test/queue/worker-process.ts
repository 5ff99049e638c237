// Starts `loopwise worker <fixture app>` processes for the queue tests (the real CLI binary on the
// pinned Node 24), and waits for what they print.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
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
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: string) => {
    out += chunk;
    for (const listener of listeners) listener();
  };
  child.stdout!.setEncoding("utf8").on("data", onData);
  child.stderr!.setEncoding("utf8").on("data", onData);
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? `signal:${signal}`)));
  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(out);
        if (match) {
          cleanup();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`worker ${child.pid}: no ${pattern} within ${timeoutMs} ms\n${out}`));
      }, timeoutMs);
      const onExit = () => {
        setImmediate(() => {
          if (pattern.exec(out)) return check();
          cleanup();
          reject(new Error(`worker ${child.pid} exited before printing ${pattern}\n${out}`));
        });
      };
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off("exit", onExit);
      };
      listeners.add(check);
      child.once("exit", onExit);
      check();
    });
  const stop = async (graceMs = 20_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    return exited;
  };
  const worker: WorkerProcess = { child, pid: child.pid!, output: () => out, waitFor, exited, stop, kill };
  if (!ready) return worker;
  try {
    await waitFor(/loopwise worker ready/, 60_000);
  } catch (error) {
    await kill();
    throw error;
  }
  return worker;
}
