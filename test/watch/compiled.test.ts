import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fixturesDir, markerLine, repoRoot, runFixture, topFrames } from "./run-fixture.js";

/**
 * The watchdog as it runs from `dist/`: compiled by tsc with `.js.map` files, run by plain
 * node (no tsx). Frames must still name the TypeScript file and line.
 */
describe("watchdog compiled to JavaScript", () => {
  let outDir: string;
  before(() => {
    outDir = mkdtempSync(join(tmpdir(), "loopwise-compiled-"));
    writeFileSync(join(outDir, "package.json"), JSON.stringify({ type: "module" }));
    symlinkSync(join(repoRoot, "node_modules"), join(outDir, "node_modules"), "dir");
    const tsconfig = join(outDir, "tsconfig.json");
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(repoRoot, "tsconfig.json"),
        compilerOptions: { noEmit: false, rootDir: repoRoot, outDir, sourceMap: true, declaration: false },
        include: [],
        // The worker is loaded by URL, not imported: name it, as tsconfig.build.json does by including src/.
        files: [join(fixturesDir, "in-flight.ts"), join(repoRoot, "src/watch/watchdog-worker.ts")],
      }),
    );
    execFileSync(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", tsconfig], { stdio: "pipe" });
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it("maps frames through the .js.map files to the TypeScript source", async () => {
    const run = await runFixture("in-flight", { compiledFile: join(outDir, "test/fixtures/watch/in-flight.js") });
    assert.equal(run.code, 0, run.stderr);
    const report = run.reports.find((r) => r.ended && r.request?.route === "/report");
    assert.ok(report, JSON.stringify(run.reports));
    const frame = report.frames.find((f) => f.fn === "buildReport");
    assert.ok(frame, topFrames(report));
    assert.equal(frame.file, join(fixturesDir, "in-flight.ts"));
    assert.equal(frame.line, markerLine(join(fixturesDir, "in-flight.ts"), "report"));
  });
});
