import assert from "node:assert/strict";
import { describe, it } from "node:test";
import WebSocket from "ws";
import { fixturesDir, markerLine, runFixture, topFrames, type FixtureRun } from "./run-fixture.js";

const fixture = `${fixturesDir}debugger.ts`;
const HOLD_BREAKPOINT_MS = 800;

/** A minimal DevTools stand-in: enables Runtime and Debugger, holds each pause, then resumes. */
class DevToolsClient {
  /** Function names of the frames the program stopped in (positions are in transpiled code). */
  readonly pauses: string[] = [];
  readonly #socket: WebSocket;
  #nextId = 1;

  constructor(url: string) {
    this.#socket = new WebSocket(url);
    this.#socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { method?: string; params?: any };
      if (message.method !== "Debugger.paused") return;
      this.pauses.push(message.params.callFrames[0].functionName);
      setTimeout(() => this.send("Debugger.resume"), HOLD_BREAKPOINT_MS);
    });
    this.#socket.on("open", () => {
      this.send("Runtime.enable");
      this.send("Debugger.enable");
      this.send("Runtime.evaluate", { expression: "globalThis.__testClientAttached = true" });
    });
    this.#socket.on("error", () => {});
  }

  send(method: string, params: object = {}): void {
    this.#socket.send(JSON.stringify({ id: this.#nextId++, method, params }));
  }

  close(): void {
    this.#socket.close();
  }
}

function runWithInspector(mode: "client" | "no-client"): Promise<{ run: FixtureRun; client: DevToolsClient | null }> {
  let client: DevToolsClient | null = null;
  return runFixture("debugger", {
    args: [mode],
    nodeArgs: ["--inspect=127.0.0.1:0"],
    killAfterMs: 40_000,
    onEvent: (event) => {
      if (event.type === "inspector" && mode === "client") client = new DevToolsClient(String(event["url"]));
      // Detach before the fixture ends, or Node would wait for the client at exit.
      if (event.type === "case-done") client?.close();
    },
  }).then((run) => ({ run, client }));
}

describe("watchdog with a debugger (--inspect)", () => {
  it("does not report a developer's breakpoint stop as a block", async () => {
    const { run, client } = await runWithInspector("client");
    assert.equal(run.timedOut, false, run.stderr);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((run.events.find((event) => event.type === "ready")?.["status"] as { debuggerAware: boolean }).debuggerAware, true);
    // The premise: the program really stopped at the breakpoint, for longer than the threshold.
    assert.deepEqual(client?.pauses, ["breakHere"]);
    const busyId = run.events.find((event) => event.type === "case-done")?.["busyId"];
    const busy = run.reports.find((r) => r.ended && r.request?.id === busyId);
    assert.ok(busy, `the real block was not reported: ${JSON.stringify(run.reports)}`);
    assert.ok(busy.frames.some((f) => f.fn === "busyWork" && f.line === markerLine(fixture, "busy")), topFrames(busy));
    const atBreakpoint = run.reports.filter((r) => r.request?.route === "/debug" || r.frames.some((f) => f.fn === "breakHere"));
    assert.deepEqual(atBreakpoint, []);
  });

  it("does not stop at `debugger;` when no debugger is attached", async () => {
    const { run } = await runWithInspector("no-client");
    assert.equal(run.timedOut, false, `the program hung at debugger;: ${run.stderr}`);
    assert.equal(run.code, 0, run.stderr);
    // The watchdog's own session has the Debugger domain on, which is what could have stopped it.
    assert.equal((run.events.find((event) => event.type === "ready")?.["status"] as { debuggerAware: boolean }).debuggerAware, true);
    assert.ok(run.events.some((event) => event.type === "passed-debugger"));
    assert.equal(run.events.at(-1)?.type, "done");
  });
});
