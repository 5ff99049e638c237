// Starts one benchmark server as its own process, pinned to the server CPU, with the same Node
// binary and loader flags as the harness, and waits for the port it prints when ready.
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { spawnTracked, stopChild } from "./children.js";
import type { Pinning } from "./pin.js";

/**
 * Node flags every benchmark server runs with. tsx loads the small `.ts` server files; loopwise
 * itself resolves to its compiled `dist/` (built by the harness first), as Fastify runs from its
 * compiled JS: running loopwise's sources through tsx would charge it for esbuild's helpers.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ["--import", "tsx"];

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Set in a server's environment: the server exits when its stdin closes (the harness died). */
export const PARENT_WATCH_ENV = "LOOPWISE_BENCH_CHILD";

export interface ServerSpec {
  /** Short name used in tables and the summary line, e.g. `fastify`. */
  name: string;
  /** Absolute path of the server's entry module. */
  entry: string;
}

export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  /** Base URL on the loopback interface, without a trailing slash. */
  readonly origin: string;
  /** True once the process has exited, whoever stopped it. */
  hasExited(): boolean;
  /** Exit code or signal and the last stderr lines, to explain a death. */
  describeExit(): string;
  stop(): Promise<void>;
}

export interface SpawnServerOptions {
  pin: Pinning;
  cpu: number;
  readyTimeoutMs?: number;
}

const STDERR_TAIL_CHARS = 4000;
const STDERR_TAIL_LINES = 12;

/**
 * Spawns `spec.entry` and resolves once it prints its port, a bare integer alone on a line.
 * Rejects, with the tail of the server's stderr, when it exits first or takes longer than
 * `readyTimeoutMs`.
 *
 * @example
 * const server = await spawnServer({ name: "node", entry }, { pin, cpu: 0 });
 * await fetch(`${server.origin}/`);
 * await server.stop();
 */
export function spawnServer(spec: ServerSpec, options: SpawnServerOptions): Promise<RunningServer> {
  const { command, args } = options.pin.command(options.cpu, process.execPath, [...SERVER_NODE_FLAGS, spec.entry]);
  const child = spawnTracked(command, args, {
    // `--import tsx` and the `loopwise` self-reference resolve from the package root.
    cwd: PACKAGE_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, [PARENT_WATCH_ENV]: "1", NODE_ENV: "production" },
  });
  let stderrTail = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });

  return new Promise<RunningServer>((resolve, reject) => {
    const timeoutMs = options.readyTimeoutMs ?? 30_000;
    const fail = (why: string): void => {
      cleanup();
      void stopChild(child);
      reject(new Error(`server ${spec.name} ${why}${stderrDetail(spec.name, stderrTail)}`));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(`exited before it was ready (code ${code}, signal ${signal})`);
    const onError = (error: Error): void => fail(`could not start: ${error.message}`);
    const timer = setTimeout(() => fail(`printed no port within ${timeoutMs} ms`), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    const onLine = (line: string): void => {
      if (!/^\d{1,5}$/.test(line.trim())) return;
      const port = Number(line.trim());
      if (port < 1 || port > 65535) return fail(`printed an impossible port ${port}`);
      cleanup();
      // Keep draining stdout so a chatty server never blocks on a full pipe.
      child.stdout?.resume();
      resolve(runningServer(spec.name, child, port, () => stderrTail));
    };
    function cleanup(): void {
      clearTimeout(timer);
      child.off("exit", onExit);
      child.off("error", onError);
      lines.off("line", onLine);
    }
    child.once("exit", onExit);
    child.once("error", onError);
    lines.on("line", onLine);
  });
}

function stderrDetail(name: string, stderrTail: string): string {
  // Stack frames bury the message that says what went wrong; keep the other lines.
  const tail = stderrTail
    .split("\n")
    .filter((line) => line.trim() !== "" && !/^\s+at /.test(line))
    .slice(-STDERR_TAIL_LINES)
    .join("\n");
  return tail ? `\n--- ${name} stderr (last lines) ---\n${tail}` : "";
}

function runningServer(name: string, child: ChildProcess, port: number, stderrTail: () => string): RunningServer {
  return {
    name,
    pid: child.pid ?? -1,
    origin: `http://127.0.0.1:${port}`,
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
    describeExit: () => `exit code ${child.exitCode}, signal ${child.signalCode}${stderrDetail(name, stderrTail())}`,
    stop: () => stopChild(child),
  };
}
