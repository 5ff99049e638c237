// Starts a watchdog fixture that serves HTTP (test/fixtures/watch/<name>.ts) in its own process
// and collects the JSON lines it writes: `{"type":"listening","url":...}` first, then reports.
import { spawn, type ChildProcess } from "node:child_process";
import { fixturesDir, repoRoot, type FixtureEvent, type JsonReport } from "./run-fixture.js";

export interface WatchedServer {
  readonly url: string;
  readonly child: ChildProcess;
  readonly events: FixtureEvent[];
  reports(): JsonReport[];
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** The first event (past or future) matching `match`; rejects after `timeoutMs`. */
  waitFor(match: (event: FixtureEvent) => boolean, timeoutMs?: number): Promise<FixtureEvent>;
  /** The first block report matching `match`. */
  waitForReport(match: (report: JsonReport) => boolean, timeoutMs?: number): Promise<JsonReport>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export function startWatchedServer(name: string, env: Record<string, string> = {}): Promise<WatchedServer> {
  const child = spawn(process.execPath, ["--conditions=loopwise-source", "--import", "tsx", `${fixturesDir}${name}.ts`], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "test", ...env },
  });
  const events: FixtureEvent[] = [];
  const waiters = new Set<() => void>();
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    let newline: number;
    while ((newline = stdout.indexOf("\n")) >= 0) {
      const line = stdout.slice(0, newline);
      stdout = stdout.slice(newline + 1);
      try {
        const value = JSON.parse(line) as FixtureEvent;
        if (typeof value === "object" && value !== null && typeof value.type === "string") events.push(value);
      } catch {
        events.push({ type: "text", line });
      }
      for (const wake of waiters) wake();
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));

  const waitFor = (match: (event: FixtureEvent) => boolean, timeoutMs = 15_000): Promise<FixtureEvent> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = events.find(match);
        if (found === undefined) return false;
        finish();
        resolve(found);
        return true;
      };
      const finish = (): void => {
        clearTimeout(timer);
        waiters.delete(wake);
        child.off("exit", onExit);
      };
      const wake = (): void => void check();
      const onExit = (): void => {
        finish();
        reject(new Error(`server exited before the event came:\n${stderr}`));
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no matching event in ${timeoutMs} ms; events: ${JSON.stringify(events).slice(0, 3000)}\nstderr: ${stderr.slice(-2000)}`));
      }, timeoutMs);
      waiters.add(wake);
      child.once("exit", onExit);
      check();
    });

  const reports = (): JsonReport[] => events.filter((event) => event.type === "block").map((event) => event["report"] as JsonReport);
  const server = {
    child,
    events,
    reports,
    stderr: () => stderr,
    waitFor,
    waitForReport: async (match: (report: JsonReport) => boolean, timeoutMs?: number) =>
      (await waitFor((event) => event.type === "block" && match(event["report"] as JsonReport), timeoutMs))["report"] as JsonReport,
    stop: () =>
      new Promise<number | null>((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", (code) => {
          clearTimeout(kill);
          resolve(code);
        });
        child.kill("SIGTERM");
      }),
  };
  return waitFor((event) => event.type === "listening", 60_000).then(
    (event) => ({ ...server, url: event["url"] as string }),
    (error: unknown) => {
      child.kill("SIGKILL");
      throw error;
    },
  );
}
