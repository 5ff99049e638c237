// `loopwise dev` on a copy of a TypeScript app with a thread-lane route: it serves with
// LOOPWISE_ENV=development and readable logs, restarts on an edit (the new answer is served),
// survives an edit that breaks the app, and comes back on the next good edit.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../support/node-bin.js";
import { SERVING, get, startCli, type CliProcess } from "./cli-process.js";

// Inside the repository (so the copy can import "loopwise"), in a git-ignored folder.
const workDir = path.join(repoRoot, ".test-output", `cli-dev-${process.pid}`);
const appFile = path.join(workDir, "app.ts");
const original = readFileSync(path.join(repoRoot, "test/fixtures/cli/thread-app.ts"), "utf8");

describe("loopwise dev", () => {
  let cli: CliProcess;
  let base: string;

  before(async () => {
    mkdirSync(workDir, { recursive: true });
    writeFileSync(appFile, original);
    cli = startCli(["dev", path.relative(repoRoot, appFile), "--port", "0", "--threads", "2"]);
    base = (await cli.waitFor(SERVING, 60_000))[1]!;
  });
  after(async () => {
    await cli?.stop(10_000);
    rmSync(workDir, { recursive: true, force: true });
  });

  it("serves the app in development mode, thread lane included, with readable logs", async () => {
    const root = await get(`${base}/`);
    assert.equal(root.json<{ env: string }>().env, "development");
    const fib = await get(`${base}/fib/20`);
    assert.deepEqual(
      { mainThread: fib.json<{ mainThread: boolean }>().mainThread, value: fib.json<{ value: number }>().value },
      { mainThread: false, value: 6765 },
    );
    assert.deepEqual((await get(`${base}/pool`)).json(), { size: 2 });
    // pino's JSON became `HH:MM:SS.mmm INFO  message`.
    assert.match(cli.stdout(), /^\d\d:\d\d:\d\d\.\d{3} INFO  loopwise serving CLI thread-lane fixture on http:\/\/127\.0\.0\.1:\d+/m);
    assert.doesNotMatch(cli.stdout(), /^\{"level"/m);
    assert.match(cli.stdout(), /^dev: watching \.test-output\/cli-dev-\d+ \(1 folders\) for changes$/m);
  });

  it("restarts on an edit, on the same port, and serves the new code", async () => {
    const before = (await get(`${base}/`)).json<{ pid: number }>().pid;
    const mark = cli.stdout().length;
    writeFileSync(appFile, original.replace("version: 1", "version: 2"));
    await cli.waitFor(/dev: \.test-output\/cli-dev-\d+\/app\.ts changed: restarting/, 20_000, mark);
    const again = await cli.waitFor(SERVING, 60_000, mark);
    assert.equal(again[1], base, "same port after the restart");
    const answer = (await get(`${base}/`)).json<{ pid: number; version: number }>();
    assert.equal(answer.version, 2);
    assert.notEqual(answer.pid, before, "a new process");
    assert.equal((await get(`${base}/fib/10`)).json<{ value: number }>().value, 55);
  });

  it("keeps running when an edit breaks the app, and restarts it on the next good edit", async () => {
    let mark = cli.stdout().length;
    writeFileSync(appFile, `${original}\nthis is not TypeScript (\n`);
    await cli.waitFor(/dev: the app exited with code 1; waiting for a file change to restart it/, 60_000, mark);
    assert.match(cli.stderr(), /loopwise: error: Importing the app module .*app\.ts failed/);
    assert.equal(cli.child.exitCode, null, "dev itself is still running");
    mark = cli.stdout().length;
    writeFileSync(appFile, original.replace("version: 1", "version: 3"));
    await cli.waitFor(SERVING, 60_000, mark);
    assert.equal((await get(`${base}/`)).json<{ version: number }>().version, 3);
  });

  it("stops the app and exits 0 on SIGTERM", async () => {
    const appPid = (await get(`${base}/`)).json<{ pid: number }>().pid;
    assert.equal(await cli.stop(15_000), 0);
    assert.throws(() => process.kill(appPid, 0), { code: "ESRCH" }, "the app process is gone too");
  });
});
