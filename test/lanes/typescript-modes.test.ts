import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";
import { nodeBin, repoRoot, tsNodeArgs } from "../support/node-bin.js";
import { startServing, type ServingProcess } from "./serving-process.js";

const fixture = path.join(repoRoot, "test/lanes/fixtures/ts-server.ts");
const tsxCli = path.join(repoRoot, "node_modules/tsx/dist/cli.mjs");
const loopwiseBin = path.join(repoRoot, "bin/loopwise.js");

/** The fixture app's thread-lane route and task, over HTTP. */
async function checkThreadLane(server: ServingProcess): Promise<void> {
  const where = await fetch(`${server.url}/where`);
  assert.equal(where.status, 200, server.output());
  const body = (await where.json()) as { lane: string; threadId: number };
  assert.equal(body.lane, "thread");
  assert.notEqual(body.threadId, 0, "the handler ran on a pool thread");
  const square = (await (await fetch(`${server.url}/square/7`)).json()) as { square: number };
  assert.equal(square.square, 49, "a task ran on a pool thread");
}

async function serveAndCheck(command: string, args: string[], cwd = repoRoot): Promise<void> {
  const server = await startServing(command, args, { cwd });
  try {
    await checkThreadLane(server);
  } finally {
    assert.equal(await server.stop(), 0, `exits cleanly on SIGTERM:\n${server.output()}`);
  }
}

describe("thread lane: TypeScript apps just work", { concurrency: false }, () => {
  it("under node --import tsx (pool threads inherit the loader from execArgv)", async () => {
    await serveAndCheck(nodeBin, [...tsNodeArgs, fixture]);
  });

  it("under the tsx command", async () => {
    await serveAndCheck(nodeBin, [tsxCli, "--conditions=loopwise-source", fixture]);
  });

  it("under loopwise serve app.ts", { skip: !existsSync(loopwiseBin) && "bin/loopwise.js is not there" }, async () => {
    await serveAndCheck(nodeBin, [loopwiseBin, "serve", fixture, "--port", "0"]);
  });

  describe("compiled to JavaScript, with loopwise built to dist/", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), "loopwise-compiled-"));
      const modules = path.join(dir, "node_modules");
      mkdirSync(modules);
      for (const entry of readdirSync(path.join(repoRoot, "node_modules"))) {
        if (entry !== "loopwise" && !entry.startsWith(".")) symlinkSync(path.join(repoRoot, "node_modules", entry), path.join(modules, entry));
      }
      const pkg = path.join(modules, "loopwise");
      mkdirSync(pkg);
      cpSync(path.join(repoRoot, "package.json"), path.join(pkg, "package.json"));
      // `npm run build`, into the temporary package (type errors in unrelated files do not stop the emit).
      spawnSync(nodeBin, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", path.join(repoRoot, "tsconfig.build.json"), "--outDir", path.join(pkg, "dist")], {
        cwd: repoRoot,
        stdio: "ignore",
      });
      assert.ok(existsSync(path.join(pkg, "dist/lanes/worker-entry.js")), "the build emitted the worker entry");
      const compiled = ts.transpileModule(readFileSync(fixture, "utf8"), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2023 },
        fileName: "app.ts",
      });
      writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
      writeFileSync(path.join(dir, "app.js"), compiled.outputText);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("runs with plain node: no loader, no source condition", async () => {
      const server = await startServing(nodeBin, ["app.js"], { cwd: dir });
      try {
        await checkThreadLane(server);
        assert.doesNotMatch(server.output(), /tsx|loopwise-source/);
      } finally {
        assert.equal(await server.stop(), 0, server.output());
      }
    });
  });
});
