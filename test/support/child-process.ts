// What the tests need around a child process they spawned: its output so far, waiting for a line
// it prints, its exit, and a graceful stop that cannot hang.
import type { ChildProcess } from "node:child_process";

/** A spawned child's captured output, exit and stop. */
export interface WatchedChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it printed on stdout so far. */
  stdout(): string;
  /** Everything it printed on stderr so far. */
  stderr(): string;
  /** stdout and stderr interleaved in the order they arrived. */
  output(): string;
  /**
   * Resolves with the first match of `pattern` in the watched text (from character `from` on),
   * rejecting after `timeoutMs` or once the child has exited without printing it.
   */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (or `signal:<name>`). */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | string>;
}

export interface WatchOptions {
  /** Names the child in `waitFor` errors, e.g. `loopwise` or `worker 1234`. */
  label: string;
  /** What `waitFor` searches: stdout alone, or stdout and stderr interleaved. */
  waitOn: "stdout" | "output";
}

/**
 * Captures the output of `child` (spawned with `stdio: [..., "pipe", "pipe"]`) from now on.
 *
 * @example
 * const child = spawn(nodeBin, [script], { stdio: ["ignore", "pipe", "pipe"] });
 * const app = watchChild(child, { label: "app", waitOn: "stdout" });
 * await app.waitFor(/listening/);
 * await app.stop();
 */
export function watchChild(child: ChildProcess, { label, waitOn }: WatchOptions): WatchedChild {
  let out = "";
  let err = "";
  let both = "";
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    both += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
    both += chunk;
    if (waitOn === "output") for (const listener of listeners) listener();
  });
  const watched = () => (waitOn === "stdout" ? out : both);
  const dump = () => `\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;

  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? `signal:${signal}`));
  });

  const waitFor = (pattern: RegExp, timeoutMs = 30_000, from = 0) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(watched().slice(from));
        if (!match) return false;
        done();
        resolve(match);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${label}: no ${pattern} within ${timeoutMs} ms${dump()}`));
      }, timeoutMs);
      // "exit" can come before the pipes have delivered their last bytes: give them a turn.
      const onExit = () =>
        setImmediate(() => {
          if (check()) return;
          done();
          reject(new Error(`${label} exited before printing ${pattern}${dump()}`));
        });
      const done = () => {
        clearTimeout(timer);
        listeners.delete(listener);
        child.off("exit", onExit);
      };
      const listener = () => void check();
      if (check()) return;
      listeners.add(listener);
      child.once("exit", onExit);
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

  return { child, pid: child.pid!, stdout: () => out, stderr: () => err, output: () => both, waitFor, exited, stop };
}
