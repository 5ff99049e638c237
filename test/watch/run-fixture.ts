// Runs a watchdog fixture (test/fixtures/watch/<name>.ts) in its own Node process, the way an
// app runs: pinned Node, source condition, tsx. Collects its JSON lines.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BlockReport } from "../../src/watch/index.js";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const fixturesDir = fileURLToPath(new URL("../fixtures/watch/", import.meta.url));

/** A report as it arrives over JSON (`at` is a string there). */
export type JsonReport = Omit<BlockReport, "at"> & { at: string };
export type FixtureEvent = { type: string; [key: string]: unknown };

export interface FixtureRun {
  events: FixtureEvent[];
  reports: JsonReport[];
  stderr: string;
  code: number | null;
  timedOut: boolean;
}

export interface FixtureOptions {
  args?: string[];
  nodeArgs?: string[];
  /** Kill the process after this long: a hang is a failure, not a slow pass. */
  killAfterMs?: number;
  onEvent?: (event: FixtureEvent, child: ChildProcess) => void;
  /** Run this file with plain node (no tsx, no source condition), e.g. compiled JS. */
  compiledFile?: string;
}

export function runFixture(name: string, options: FixtureOptions = {}): Promise<FixtureRun> {
  const script = options.compiledFile ?? `${fixturesDir}${name}.ts`;
  const loader = options.compiledFile === undefined ? ["--conditions=loopwise-source", "--import", "tsx"] : [];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, script, ...(options.args ?? [])], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "test" },
  });
  const events: FixtureEvent[] = [];
  let stdout = "";
  let stderr = "";
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.killAfterMs ?? 60_000);
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    let newline: number;
    while ((newline = stdout.indexOf("\n")) >= 0) {
      const line = stdout.slice(0, newline);
      stdout = stdout.slice(newline + 1);
      const event = parseLine(line);
      events.push(event);
      options.onEvent?.(event, child);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      const reports = events.filter((event) => event.type === "block").map((event) => event["report"] as JsonReport);
      resolve({ events, reports, stderr, code, timedOut });
    });
  });
}

function parseLine(line: string): FixtureEvent {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      // Lines the watchdog thread writes itself (pino's shape) rather than the fixture's events.
      if (typeof record["type"] !== "string" && typeof record["msg"] === "string") return { type: "log", ...record };
      if (typeof record["type"] === "string") return record as FixtureEvent;
    }
  } catch {
    // Not JSON: kept as text below.
  }
  return { type: "text", line };
}

/** 1-based line of the `// @line <marker>` comment in a fixture. */
export function markerLine(fixtureFile: string, marker: string): number {
  const lines = readFileSync(fixtureFile, "utf8").split("\n");
  const index = lines.findIndex((line) => line.endsWith(`// @line ${marker}`));
  if (index < 0) throw new Error(`no @line ${marker} in ${fixtureFile}`);
  return index + 1;
}

/** The first `count` frames of a report, for assertion messages. */
export function topFrames(report: JsonReport, count = 6): string {
  return report.frames
    .slice(0, count)
    .map((frame) => `${frame.fn} (${frame.file}:${frame.line})`)
    .join(" <- ");
}
