import { spawn, type ChildProcess } from "node:child_process";

/** A server process started by a test. */
export interface ServingProcess {
  readonly url: string;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `command args` and resolves once it logs loopwise's "serving ... on http://..." line.
 * Rejects with everything it printed if it exits first or takes longer than `timeoutMs`.
 */
export function startServing(command: string, args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<ServingProcess> {
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: { ...process.env, PORT: "0", ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (chunk) => (out += chunk));
  child.stderr!.on("data", (chunk) => (out += chunk));
  const stop = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.once("exit", (code) => {
        clearTimeout(kill);
        resolve(code);
      });
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")} did not start within ${options.timeoutMs ?? 60_000} ms:\n${out}`));
    }, options.timeoutMs ?? 60_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited with ${code} before serving:\n${out}`));
    };
    const onData = () => {
      const match = /serving .* on (http:\/\/[\d.:[\]a-f]+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      child.stderr!.off("data", onData);
      child.off("exit", onExit);
      resolve({ url: match[1]!, output: () => out, stop });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", onExit);
  });
}
