// The dev reloader's file watcher on a real temporary folder: source changes reported once per
// burst, dependencies, VCS data and non-source files ignored, new folders picked up.
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { TreeWatcher } from "../../src/cli/tree-watcher.js";

describe("TreeWatcher", () => {
  let root: string;
  let watcher: TreeWatcher | undefined;
  let batches: string[][];

  /** Waits for the next reported batch (or fails after `ms`). */
  async function nextBatch(ms = 5000): Promise<string[]> {
    const deadline = Date.now() + ms;
    while (batches.length === 0) {
      assert.ok(Date.now() < deadline, "a change was reported");
      await sleep(10);
    }
    return batches.shift()!;
  }

  /** Asserts nothing is reported within `ms`. */
  async function quiet(ms = 400): Promise<void> {
    await sleep(ms);
    assert.deepEqual(batches, []);
  }

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "loopwise-watch-"));
    for (const dir of ["src/routes", "node_modules/pkg", ".git", "dist"]) mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, "src/app.ts"), "export {};\n");
    batches = [];
    watcher = new TreeWatcher([root], (files) => batches.push(files), { debounceMs: 50 });
    watcher.start();
  });
  afterEach(() => {
    watcher?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("watches the tree but not node_modules, dot folders or build output", () => {
    assert.equal(watcher!.size, 3, "root, src, src/routes");
  });

  it("reports a burst of source changes once, with every file", async () => {
    writeFileSync(path.join(root, "src/app.ts"), "export const a = 1;\n");
    writeFileSync(path.join(root, "src/routes/items.ts"), "export {};\n");
    writeFileSync(path.join(root, "config.json"), "{}\n");
    const files = await nextBatch();
    assert.deepEqual(files, [path.join(root, "config.json"), path.join(root, "src/app.ts"), path.join(root, "src/routes/items.ts")]);
    await quiet(200);
  });

  it("ignores changes in node_modules, .git, dist, and files that are not sources", async () => {
    writeFileSync(path.join(root, "node_modules/pkg/index.js"), "x\n");
    writeFileSync(path.join(root, ".git/index.ts"), "x\n");
    writeFileSync(path.join(root, "dist/app.js"), "x\n");
    writeFileSync(path.join(root, "src/notes.md"), "x\n");
    writeFileSync(path.join(root, "src/.app.ts.swp"), "x\n");
    writeFileSync(path.join(root, "src/app.ts~"), "x\n");
    await quiet();
  });

  it("picks up a folder created after it started", async () => {
    mkdirSync(path.join(root, "src/new/deeper"), { recursive: true });
    await sleep(150);
    writeFileSync(path.join(root, "src/new/deeper/handler.ts"), "export {};\n");
    const files = await nextBatch();
    assert.ok(files.includes(path.join(root, "src/new/deeper/handler.ts")), files.join(", "));
  });

  it("reports nothing after close()", async () => {
    watcher!.close();
    writeFileSync(path.join(root, "src/app.ts"), "export const b = 2;\n");
    await quiet();
  });
});
