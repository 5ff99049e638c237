import { spawn, type ChildProcess } from "node:child_process";
import { nodeBin, repoRoot, tsNodeArgs } from "./node-bin.js";

/** A server started in a child process. */
export interface SpawnedApp {
  child: ChildProcess;
  url: string;
  /** Everything the child printed on stdout so far. */
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Runs a TypeScript app module in a child process (pinned Node 24 + tsx) and waits for its
 * "loopwise serving ... on http://..." log line.
 */
export function spawnApp(modulePath: string, env: Record<string, string> = {}, args: string[] = []): Promise<SpawnedApp> {
  const child = spawn(nodeBin, [...tsNodeArgs, modulePath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const stop = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once("exit", (code) => resolve(code));
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never leave the child behind: a live child keeps the test process from exiting.
      child.kill("SIGKILL");
      reject(new Error(`${modulePath} did not start in 30 s:\n${out}\n${err}`));
    }, 30_000);
    const onData = () => {
      const m = /serving .* on (http:\/\/[\d.:[\]a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve({ child, url: m[1]!, output: () => out, stop });
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${modulePath} exited with ${code}:\n${out}\n${err}`));
    });
  });
}
