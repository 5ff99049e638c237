import { describe, it } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import { App, ThreadModuleError, ThreadPool, task } from "loopwise";
import { TestClient } from "loopwise/testing";

describe("thread lane: finding the module a worker imports", () => {
  it("refuses thread-lane code registered from eval / a REPL, saying what to do", () => {
    const app = new App({ logger: false });
    (globalThis as { replApp?: App }).replApp = app;
    try {
      assert.throws(
        () => vm.runInThisContext(`replApp.get("/x", { lane: "thread" }, () => 1)`),
        (error: Error) =>
          error instanceof ThreadModuleError &&
          /GET \/x \(lane "thread"\) was registered from "evalmachine/.test(error.message) &&
          /move the app into its own file, or pass `module: import\.meta\.url`/.test(error.message),
      );
      (globalThis as { replTask?: typeof task }).replTask = task;
      assert.throws(() => vm.runInThisContext(`replTask(function fromRepl() {})`), /task fromRepl was registered from "evalmachine/);
    } finally {
      delete (globalThis as { replApp?: App }).replApp;
      delete (globalThis as { replTask?: unknown }).replTask;
    }
    assert.equal(app.routes.length, 0, "the refused route is not added");
  });

  it("refuses thread-lane code registered in a test file: a worker importing it would run the tests", () => {
    const app = new App({ logger: false });
    assert.throws(
      () => app.get("/in-test", { lane: "thread" }, () => 1),
      (error: Error) => error instanceof ThreadModuleError && /registered in the test file .*module-origin\.test\.ts/.test(error.message),
    );
    assert.throws(() => task(function inTest() {}), /task inTest was registered in the test file/);
    assert.throws(() => new App({ logger: false, module: "data:text/javascript,1" }).get("/d", { lane: "thread" }, () => 1), /worker threads can only import module files/);
    assert.throws(() => new App({ logger: false, module: "not a url" }).get("/d", { lane: "thread" }, () => 1), /is not a module URL; pass import\.meta\.url/);
  });

  it("fails the app's startup when a worker's import of the module does not register the route", async () => {
    const { createApp } = await import("./fixtures/late-routes.js");
    const app = createApp();
    await assert.rejects(app.startup(), (error: Error) => {
      assert.ok(error instanceof ThreadModuleError);
      assert.match(error.message, /did not find: GET \/late @ file:.*late-routes\.ts/);
      assert.match(error.message, /registered when their module is imported/);
      return true;
    });
    assert.equal(app.started, false);
    await app.shutdown();
    await app.pool.close();
  });

  it("finds the wrong module when a helper registers the route, and the right one with `module: import.meta.url`", async () => {
    const auto = (await import("./fixtures/helper-registered-app.js")).app;
    await assert.rejects(auto.startup(), /did not find: GET \/report @ file:.*route-helpers\.ts/);
    await auto.pool.close();
    const explicit = (await import("./fixtures/helper-registered-app-explicit.js")).app;
    await using client = new TestClient(explicit);
    const res = await client.get("/report");
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { report: "ready" });
  });

  it("checks pool options", () => {
    assert.throws(() => new ThreadPool({ size: 0 }), /pool\.size must be an integer within 1\.\.1024, got 0/);
    assert.throws(() => new ThreadPool({ size: 2, minSize: 3 }), /pool\.minSize must be an integer within 0\.\.2/);
    assert.throws(() => new ThreadPool({ timeout: 1.5 }), /pool\.timeout/);
    assert.throws(() => new ThreadPool({ queueLimit: -1 }), /pool\.queueLimit/);
    assert.throws(() => new ThreadPool({ niceIncrement: 20 }), /pool\.niceIncrement must be an integer within 0\.\.19/);
    assert.throws(() => new App({ logger: false, pool: { size: Number.NaN } }).pool, /pool\.size/);
    const defaults = new ThreadPool().options;
    assert.ok(defaults.size >= 2);
    assert.equal(defaults.minSize, defaults.size);
    assert.equal(defaults.timeout, Infinity);
  });
});
