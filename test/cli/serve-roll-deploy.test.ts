// SIGHUP as a deploy: `loopwise serve --workers 2` on a copy of an app; after the file changes,
// SIGHUP brings every worker onto the new code; after a change that breaks the app, SIGHUP
// stops at the first worker that cannot start and the running workers keep serving.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../support/node-bin.js";
import { SERVING_WORKERS, get, startCli, type CliProcess } from "./cli-process.js";

const workDir = path.join(repoRoot, ".test-output", `cli-roll-${process.pid}`);
const appFile = path.join(workDir, "app.ts");
const original = readFileSync(path.join(repoRoot, "test/fixtures/cli/thread-app.ts"), "utf8");

/** The `version` every worker answers, from fresh connections (spread over the workers). */
async function versions(base: string): Promise<Map<number, number>> {
  const byPid = new Map<number, number>();
  for (let i = 0; i < 30 && byPid.size < 2; i++) {
    const answer = (await get(`${base}/`)).json<{ pid: number; version: number }>();
    byPid.set(answer.pid, answer.version);
  }
  return byPid;
}

describe("loopwise serve --workers 2: SIGHUP deploys the code on disk", () => {
  let cli: CliProcess;
  let base: string;

  before(async () => {
    mkdirSync(workDir, { recursive: true });
    writeFileSync(appFile, original);
    cli = startCli(["serve", path.relative(repoRoot, appFile), "--workers", "2", "--port", "0"]);
    base = (await cli.waitFor(SERVING_WORKERS, 60_000))[1]!;
  });
  after(async () => {
    await cli?.stop(15_000);
    rmSync(workDir, { recursive: true, force: true });
  });

  it("serves the new code from every worker after SIGHUP", async () => {
    assert.deepEqual([...(await versions(base)).values()], [1, 1]);
    writeFileSync(appFile, original.replace("version: 1", "version: 2"));
    const mark = cli.stdout().length;
    process.kill(cli.pid, "SIGHUP");
    await cli.waitFor(/Roll complete: 2 workers replaced/, 60_000, mark);
    const now = await versions(base);
    assert.equal(now.size, 2);
    assert.deepEqual([...now.values()], [2, 2]);
  });

  it("stops the roll when the new code cannot start, and keeps serving the old", async () => {
    const before = await versions(base);
    writeFileSync(appFile, original.replace("export const app", "throw new Error('broken deploy');\nexport const app"));
    const mark = cli.stdout().length;
    process.kill(cli.pid, "SIGHUP");
    const stopped = await cli.waitFor(/Roll stopped: the new worker 1 did not start \(([^)]*)\); the running workers keep serving/, 60_000, mark);
    assert.match(stopped[1]!, /broken deploy/);
    const after = await versions(base);
    assert.deepEqual(after, before, "the same two workers, still on version 2");
    assert.equal(cli.child.exitCode, null, "the primary is still running");
  });
});
