// Load generators: wrk (preferred: C, one thread saturates a server on the other core) and
// autocannon as a fallback (Node, so it needs more CPU per request than the servers it loads;
// its figures are lower bounds). Both run as child processes pinned to the load CPU.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAutocannonJson } from "./autocannon-output.js";
import { spawnTracked } from "./children.js";
import type { LoadResult } from "./load-result.js";
import type { Pinning } from "./pin.js";
import { parseWrkOutput } from "./wrk-output.js";

export interface LoadRequest {
  /** Full URL on the loopback interface. */
  url: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers?: Readonly<Record<string, string>>;
  body?: string;
}

export interface LoadSettings {
  durationSec: number;
  connections: number;
}

export interface LoadGenerator {
  readonly name: "wrk" | "autocannon";
  run(request: LoadRequest, settings: LoadSettings): Promise<LoadResult>;
}

const LOOPBACK = /^http:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d+\//;

function assertLoopback(url: string): void {
  // Load is only ever aimed at this machine; refuse anything else outright.
  if (!LOOPBACK.test(url)) throw new Error(`refusing to load a non-loopback URL: ${url}`);
}

/**
 * The Lua script that makes wrk send `request`'s method, headers and body. Strings use Lua long
 * brackets with enough `=` that no byte of the content can close them early.
 *
 * @example
 * wrkLuaScript({ url, method: "POST", body: '{"a":1}', headers: { "content-type": "application/json" } });
 */
export function wrkLuaScript(request: LoadRequest): string {
  const lines = [`wrk.method = ${luaString(request.method)}`];
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    // The spaces matter: `[[[` would open a long bracket one character early.
    lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`);
  }
  if (request.body !== undefined) lines.push(`wrk.body = ${luaString(request.body)}`);
  return lines.join("\n") + "\n";
}

function luaString(text: string): string {
  let level = "";
  // The first closing bracket must be ours, including one formed by the text's tail and our `]`.
  while (`${text}]${level}]`.indexOf(`]${level}]`) !== text.length) level += "=";
  // A long bracket drops a newline that directly follows the opening, so lead with one of our own.
  return `[${level}[\n${text}]${level}]`;
}

interface Captured {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a tracked child to completion, killing it if it overruns `timeoutMs`. */
function capture(command: string, args: readonly string[], timeoutMs: number): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function failure(tool: string, result: Captured): Error {
  const tail = (result.stderr || result.stdout).trim().split("\n").slice(-5).join("\n");
  return new Error(`${tool} failed (code ${result.code}, signal ${result.signal}): ${tail || "(no output)"}`);
}

/** Grace beyond the requested duration before a generator counts as hung. */
const OVERRUN_MS = 20_000;

/** wrk at `wrkPath`, one thread (it has one core), latency distribution on. */
export function createWrk(wrkPath: string, pin: Pinning, cpu: number): LoadGenerator {
  let directory: string | undefined;
  return {
    name: "wrk",
    async run(request, settings) {
      assertLoopback(request.url);
      if (directory === undefined) {
        const created = mkdtempSync(join(tmpdir(), "loopwise-bench-"));
        directory = created;
        // 'exit' also runs on SIGINT (the signal handler exits), where a finally block would not.
        process.once("exit", () => rmSync(created, { recursive: true, force: true }));
      }
      const script = join(directory, "request.lua");
      writeFileSync(script, wrkLuaScript(request));
      const { command, args } = pin.command(cpu, wrkPath, [
        "-t1",
        `-c${settings.connections}`,
        `-d${settings.durationSec}s`,
        "--timeout",
        "10s",
        "--latency",
        "-s",
        script,
        request.url,
      ]);
      const result = await capture(command, args, settings.durationSec * 1000 + OVERRUN_MS);
      // wrk reports a broken script on stderr and then carries on with a plain GET, exit code 0.
      if (result.code !== 0 || result.stderr.trim() !== "") throw failure("wrk", result);
      return parseWrkOutput(result.stdout);
    },
  };
}

/** autocannon's CLI run with the harness's own Node binary. */
export function createAutocannon(pin: Pinning, cpu: number): LoadGenerator {
  const cli = createRequire(import.meta.url).resolve("autocannon/autocannon.js");
  return {
    name: "autocannon",
    async run(request, settings) {
      assertLoopback(request.url);
      const cliArgs = ["-j", "-n", "-c", String(settings.connections), "-d", String(settings.durationSec)];
      cliArgs.push("-m", request.method);
      for (const [name, value] of Object.entries(request.headers ?? {})) cliArgs.push("-H", `${name}=${value}`);
      if (request.body !== undefined) cliArgs.push("-b", request.body);
      cliArgs.push(request.url);
      const { command, args } = pin.command(cpu, process.execPath, [cli, ...cliArgs]);
      const result = await capture(command, args, settings.durationSec * 1000 + OVERRUN_MS);
      if (result.code !== 0) throw failure("autocannon", result);
      return parseAutocannonJson(result.stdout);
    },
  };
}

export type LoadPreference = "auto" | "wrk" | "autocannon";

/**
 * Picks the load generator: wrk when it is installed or `scripts/ensure-wrk.mjs` can install it,
 * else autocannon. `note` says which was used and why, for the report.
 */
export function chooseLoadGenerator(
  preference: LoadPreference,
  pin: Pinning,
  cpu: number,
): { generator: LoadGenerator; note: string } {
  if (preference === "autocannon") {
    return { generator: createAutocannon(pin, cpu), note: "autocannon (requested with --loader)" };
  }
  const ensure = fileURLToPath(new URL("../../scripts/ensure-wrk.mjs", import.meta.url));
  const outcome = spawnSync(process.execPath, [ensure], { encoding: "utf8", timeout: 400_000 });
  const line = (outcome.stdout ?? "").trim().split("\n").pop() ?? "";
  const found = /^wrk: (\/\S+)$/.exec(line);
  if (outcome.status === 0 && found) {
    return { generator: createWrk(found[1] as string, pin, cpu), note: `wrk (${found[1]})` };
  }
  const why = line || outcome.error?.message || `ensure-wrk exited ${outcome.status}`;
  if (preference === "wrk") throw new Error(`--loader wrk requested but wrk is unavailable: ${why}`);
  return {
    generator: createAutocannon(pin, cpu),
    note: `autocannon, because wrk is unavailable (${why}); its latencies are whole milliseconds`,
  };
}
