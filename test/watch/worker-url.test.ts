import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isTypeScriptModule, siblingModuleUrl, workerExecArgv } from "../../src/util/worker-url.js";
import { runFixture } from "./run-fixture.js";

describe("worker-url", () => {
  it("keeps the caller's extension: .ts from source, .js compiled", () => {
    assert.equal(siblingModuleUrl("file:///app/src/watch/watchdog.ts", "watchdog-worker").href, "file:///app/src/watch/watchdog-worker.ts");
    assert.equal(siblingModuleUrl("file:///app/dist/watch/watchdog.js", "watchdog-worker").href, "file:///app/dist/watch/watchdog-worker.js");
    assert.equal(siblingModuleUrl("file:///app/x.mts", "w").href, "file:///app/w.mts");
    assert.equal(siblingModuleUrl("file:///app/x.cjs", "w").href, "file:///app/w.cjs");
    assert.equal(siblingModuleUrl("file:///app/dir%20with%20space/x.ts", "w").href, "file:///app/dir%20with%20space/w.ts");
  });

  it("refuses names that would leave the directory, and non-file callers", () => {
    for (const name of ["", "../evil", "a/b", "a\\b", ".hidden"]) {
      assert.throws(() => siblingModuleUrl("file:///app/x.ts", name), TypeError, name);
    }
    assert.throws(() => siblingModuleUrl("https://example.com/x.js", "w"), TypeError);
    assert.throws(() => siblingModuleUrl("not a url", "w"), TypeError);
  });

  it("knows TypeScript modules", () => {
    assert.equal(isTypeScriptModule(new URL("file:///a/b.ts")), true);
    assert.equal(isTypeScriptModule("/a/b.mts"), true);
    assert.equal(isTypeScriptModule(new URL("file:///a/b.js")), false);
    assert.equal(isTypeScriptModule("/a/b.ts.js"), false);
  });

  it("lets workers inherit flags unless a .ts worker would have no loader", () => {
    const ts = new URL("file:///app/w.ts");
    assert.equal(workerExecArgv(new URL("file:///app/w.js"), []), undefined);
    assert.equal(workerExecArgv(ts, ["--import", "tsx"]), undefined);
    assert.equal(workerExecArgv(ts, ["--require", "/x/node_modules/tsx/dist/preflight.cjs"]), undefined);
    const added = workerExecArgv(ts, ["--conditions=loopwise-source", "--stack-trace-limit=10", "-C", "dev", "--secure-heap=0"])!;
    assert.deepEqual(added.slice(0, 3), ["--conditions=loopwise-source", "-C", "dev"]);
    assert.equal(added[3], "--import");
    assert.match(added[4]!, /^file:.*\/tsx\//);
  });

  it("loads the watchdog's .ts worker when tsx was registered from code", async () => {
    const run = await runFixture("programmatic-tsx", {
      compiledFile: "test/fixtures/watch/programmatic-tsx.mjs",
      args: ["stop"],
      killAfterMs: 30_000,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.events[0], { type: "exec-argv", execArgv: [] });
    assert.equal((run.events.find((event) => event.type === "ready")?.["status"] as { capture: string }).capture, "inspector");
    assert.ok(run.events.some((event) => event.type === "case-done" && event["reported"] === true));
  });
});
