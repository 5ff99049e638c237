// A TypeScript app with thread-lane routes under `loopwise serve --workers 2 --threads 2`: every
// worker process and every pool thread inside it loads the .ts module (the tsx loader reaches
// them through process.execArgv), and --threads sizes each process's pool.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { SERVING_WORKERS, get, startCli, type CliProcess } from "./cli-process.js";

interface FibAnswer {
  pid: number;
  mainThread: boolean;
  value: number;
}

describe("loopwise serve: thread-lane routes in a TypeScript app, with workers", () => {
  let cli: CliProcess;
  let base: string;

  before(async () => {
    cli = startCli(["serve", "test/fixtures/cli/thread-app.ts", "--workers", "2", "--threads", "2", "--port", "0"]);
    base = (await cli.waitFor(SERVING_WORKERS, 60_000))[1]!;
  });
  after(async () => {
    assert.equal(await cli.stop(15_000), 0);
  });

  it("runs the thread-lane route off the main thread in both worker processes, pools sized by --threads", async () => {
    const pids = new Set<number>();
    for (let i = 0; i < 20 && pids.size < 2; i++) {
      const answer = (await get(`${base}/fib/15`)).json<FibAnswer>();
      assert.equal(answer.mainThread, false);
      assert.equal(answer.value, 610);
      pids.add(answer.pid);
    }
    assert.equal(pids.size, 2, "both workers answered");
    for (let i = 0; i < 2; i++) assert.deepEqual((await get(`${base}/pool`)).json(), { size: 2 });
  });

  it("validates the thread-lane route's parameters like any other", async () => {
    const answer = await get(`${base}/fib/31`);
    assert.equal(answer.status, 422);
    assert.equal(answer.json<{ detail: { type: string }[] }>().detail[0]!.type, "less_than_equal");
  });
});
