// Runs the real `loopwise` binary (bin/loopwise.js on the pinned Node 24) for the CLI tests, and
// small HTTP helpers that choose between a fresh connection per request and a kept-alive one.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { watchChild } from "../support/child-process.js";
import { nodeBin, repoRoot } from "../support/node-bin.js";

export const loopwiseBin = path.join(repoRoot, "bin", "loopwise.js");

/** A `loopwise` process started by a test. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout (searching from `from`), rejecting after `timeoutMs` or on exit. */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (or `signal:<name>`). */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | string>;
}

/** Starts `loopwise <args>` with the repository as working directory. */
export function startCli(args: string[], env: Record<string, string | undefined> = {}, cwd = repoRoot): CliProcess {
  // The condition makes the CLI run from src/ even if a build left a dist/ in the checkout.
  const child = spawn(nodeBin, ["--conditions=loopwise-source", loopwiseBin, ...args], {
    cwd,
    env: { ...process.env, PORT: undefined, HOST: undefined, WEB_CONCURRENCY: undefined, LOG_LEVEL: undefined, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { pid, stdout, stderr, waitFor, exited, stop } = watchChild(child, { label: "loopwise", waitOn: "stdout" });
  return { child, pid, stdout, stderr, waitFor, exited, stop };
}

/** Runs `loopwise <args>` to the end (killed after `timeoutMs`). */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 30_000,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const cli = startCli(args, env);
  const timer = setTimeout(() => cli.child.kill("SIGKILL"), timeoutMs);
  const code = await cli.exited;
  clearTimeout(timer);
  // Let the pipes deliver their last bytes.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** The URL the primary (or the single server) announced: `... serving <title> on http://...`. */
export const SERVING = /serving .* on (http:\/\/127\.0\.0\.1:\d+)/;
export const SERVING_WORKERS = /serving .* on (http:\/\/127\.0\.0\.1:\d+) with (\d+) workers/;

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json<T = { pid: number }>(): T;
}

/**
 * GET `url`. Without `agent` each request gets a connection of its own (`Connection: close`), so
 * cluster round-robin spreads them over the workers; with a keep-alive agent they share one.
 */
export function get(url: string, agent: http.Agent | false = false, timeoutMs = 15_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, timeout: timeoutMs }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body, json: () => JSON.parse(body) }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    request.on("error", reject);
  });
}

/** The distinct worker pids that answer `GET /` on fresh connections, trying up to `attempts` times. */
export async function pidsAnswering(base: string, want: number, attempts = 40): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < attempts && pids.size < want; i++) pids.add((await get(`${base}/`)).json().pid);
  return pids;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
