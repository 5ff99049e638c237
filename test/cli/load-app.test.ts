// Finding the app module and its App, in this process, on the fixture modules.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseAppSpec, resolveAppFile } from "../../src/cli/app-spec.js";
import { CliError } from "../../src/cli/cli-error.js";
import { isLoopwiseApp, loadApp } from "../../src/cli/load-app.js";
import { repoRoot } from "../support/node-bin.js";

describe("resolveAppFile", () => {
  it("finds the file as given, with an extension added, or a folder's index", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "loopwise-spec-"));
    try {
      writeFileSync(path.join(dir, "main.ts"), "");
      writeFileSync(path.join(dir, "server.mjs"), "");
      mkdirSync(path.join(dir, "api"));
      writeFileSync(path.join(dir, "api/index.ts"), "");
      mkdirSync(path.join(dir, "empty"));
      const resolve = (text: string) => resolveAppFile(parseAppSpec(text), dir);
      assert.equal(resolve("main.ts"), path.join(dir, "main.ts"));
      assert.equal(resolve("main"), path.join(dir, "main.ts"));
      assert.equal(resolve("./main:app"), path.join(dir, "main.ts"));
      assert.equal(resolve("server"), path.join(dir, "server.mjs"));
      assert.equal(resolve("api"), path.join(dir, "api/index.ts"));
      assert.equal(resolve(path.join(dir, "main.ts")), path.join(dir, "main.ts"));
      for (const missing of ["nope", "empty", "main.js", "/no/such/dir/app.ts"]) {
        assert.throws(() => resolve(missing), (error: unknown) => error instanceof CliError && /^Could not find the app module/.test(error.message));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("loadApp", () => {
  const load = (text: string) => loadApp(parseAppSpec(text), repoRoot);

  it("returns the `app` export, a named export, or the default export", async () => {
    const named = await load("test/fixtures/cli/pid-app.ts");
    assert.equal(named.exportName, "app");
    assert.equal(named.app.title, "CLI fixture");
    assert.equal((await load("test/fixtures/cli/no-app-export.ts:api")).app.title, "named api");
    const fallback = await load("test/fixtures/cli/default-export.ts");
    assert.equal(fallback.exportName, "default");
    assert.equal(fallback.app.title, "default export");
  });

  it("does not fall back to the default export when an export was named", async () => {
    await assert.rejects(load("test/fixtures/cli/default-export.ts:app"), /has no export "app" \(its exports: default\)/);
  });

  it("says what is wrong with the module", async () => {
    await assert.rejects(load("test/fixtures/cli/no-app-export.ts"), /has no export "app" \(its exports: api, notAnApp\)/);
    await assert.rejects(load("test/fixtures/cli/no-app-export.ts:notAnApp"), /is an object of class Object, not a loopwise App/);
    await assert.rejects(load("test/fixtures/cli/no-app-export.ts:notAnApp.serve"), /is a string, not a loopwise App/);
    await assert.rejects(load("test/fixtures/cli/no-app-export.ts:api.title.length.x"), /has no export "api.title.length.x"/);
    // A module namespace has no prototype: "constructor" is not an export; on an App it is a class.
    await assert.rejects(load("test/fixtures/cli/no-app-export.ts:constructor"), /has no export "constructor"/);
    await assert.rejects(load("test/fixtures/cli/no-app-export.ts:api.constructor"), /The export "api.constructor" of .* is a function/);
    await assert.rejects(load("test/fixtures/cli/no-app-export.ts:api.__proto__"), /has no export "api.__proto__"/);
    await assert.rejects(load("test/fixtures/cli/no-app-export.ts:api.constructor.prototype"), /has no export/);
    await assert.rejects(load("test/fixtures/cli/throws-at-import.ts"), (error: unknown) => {
      assert.ok(error instanceof CliError);
      assert.match(error.message, /failed: Error: the database URL is not set$/);
      assert.match(error.detail ?? "", /throws-at-import\.ts:5:7/);
      return true;
    });
  });

  it("recognises an App by its shape", () => {
    assert.equal(isLoopwiseApp({ serve() {}, handle() {}, route() {} }), true);
    for (const value of [null, undefined, 1, "app", () => {}, { serve() {} }, { serve: 1, handle() {}, route() {} }]) assert.equal(isLoopwiseApp(value), false);
  });
});
