// `loopwise serve --workers 2`, the real binary: one port served by two processes, a dead worker
// replaced without disturbing the other, SIGHUP rolling the workers under load without a failed
// request, and SIGTERM draining in-flight requests before exiting 0. One server for the whole
// file (the tests run in order), so the file costs one cluster start-up.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { SERVING_WORKERS, get, pidsAnswering, sleep, startCli, type CliProcess } from "./cli-process.js";

const APP = "test/fixtures/cli/pid-app.ts";

/** Sends requests one after another until `until` resolves; records every outcome. */
async function steadyLoad(base: string, agent: http.Agent | false, until: Promise<unknown>) {
  let done = false;
  void until.finally(() => (done = true));
  const ok: number[] = [];
  const failures: string[] = [];
  while (!done) {
    try {
      const answer = await get(`${base}/slow?ms=20`, agent);
      if (answer.status === 200) ok.push(answer.json().pid);
      else failures.push(`status ${answer.status}: ${answer.body}`);
    } catch (error) {
      failures.push(`${(error as NodeJS.ErrnoException).code ?? ""} ${(error as Error).message}`);
    }
  }
  return { ok, failures };
}

describe("loopwise serve --workers 2", () => {
  let cli: CliProcess;
  let base: string;
  let primaryPid: number;

  before(async () => {
    cli = startCli(["serve", APP, "--workers", "2", "--port", "0", "--timeout-graceful-shutdown", "10"]);
    const ready = await cli.waitFor(SERVING_WORKERS, 60_000);
    base = ready[1]!;
    assert.equal(ready[2], "2");
    // bin/loopwise.js replaces itself (execve) when it adds the tsx loader: same pid.
    primaryPid = cli.pid;
  });
  after(async () => {
    await cli.stop(5000);
  });

  it("answers on one port from two worker processes, neither of them the primary", async () => {
    const pids = await pidsAnswering(base, 2);
    assert.equal(pids.size, 2, `pids seen: ${[...pids].join(", ")}`);
    assert.ok(!pids.has(primaryPid));
    const announced = /with 2 workers \(pids (\d+), (\d+)\)/.exec(cli.stdout());
    assert.deepEqual(new Set([Number(announced![1]), Number(announced![2])]), pids);
  });

  it("replaces a killed worker, and no request on the other worker is lost meanwhile", async () => {
    // A kept-alive connection stays with one worker: the survivor.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const survivor = (await get(`${base}/`, agent)).json().pid;
      const victim = [...(await pidsAnswering(base, 2))].find((pid) => pid !== survivor);
      assert.ok(victim !== undefined, "found the other worker");
      const mark = cli.stdout().length;
      const replaced = cli.waitFor(new RegExp(`Worker \\d replaced: pid ${victim} → (\\d+)`), 30_000, mark);
      const load = steadyLoad(base, agent, replaced.then(() => sleep(200)));
      await sleep(100);
      process.kill(victim, "SIGKILL");
      const replacement = Number((await replaced)[1]);
      const { ok, failures } = await load;
      assert.deepEqual(failures, []);
      assert.ok(ok.length > 3, `only ${ok.length} requests completed`);
      assert.ok(ok.every((pid) => pid === survivor), "every request was served by the surviving worker");
      assert.match(cli.stdout().slice(mark), new RegExp(`Worker \\d \\(pid ${victim}\\) was killed by SIGKILL; starting a replacement`));
      const now = await pidsAnswering(base, 2);
      assert.deepEqual(now, new Set([survivor, replacement]));
    } finally {
      agent.destroy();
    }
  });

  it("rolls both workers on SIGHUP under a steady load without a failed request", async () => {
    const before = await pidsAnswering(base, 2);
    assert.equal(before.size, 2);
    const mark = cli.stdout().length;
    const rolled = cli.waitFor(/Roll complete: 2 workers replaced \(pids (\d+), (\d+)\)/, 60_000, mark);
    const settled = rolled.then(() => sleep(300));
    const keepAlive = [new http.Agent({ keepAlive: true, maxSockets: 1 }), new http.Agent({ keepAlive: true, maxSockets: 1 })];
    try {
      const loads = [steadyLoad(base, false, settled), steadyLoad(base, false, settled), ...keepAlive.map((agent) => steadyLoad(base, agent, settled))];
      await sleep(200);
      process.kill(primaryPid, "SIGHUP");
      const after = await rolled;
      const results = await Promise.all(loads);
      const failures = results.flatMap((result) => result.failures);
      const served = results.reduce((sum, result) => sum + result.ok.length, 0);
      assert.deepEqual(failures, [], `${failures.length} failed of ${served + failures.length}`);
      assert.ok(served > 10, `only ${served} requests completed during the roll`);
      const newPids = new Set([Number(after[1]), Number(after[2])]);
      for (const pid of newPids) assert.ok(!before.has(pid), "every worker is a new process");
      assert.deepEqual(await pidsAnswering(base, 2), newPids);
    } finally {
      for (const agent of keepAlive) agent.destroy();
    }
  });

  it("drains in-flight requests on SIGTERM, answers every one of them, and exits 0", async () => {
    const mark = cli.stdout().length;
    const inFlight = Array.from({ length: 4 }, () => get(`${base}/slow?ms=1500`));
    // Each request logs when its handler starts: signal only once all four are being served.
    const deadline = Date.now() + 20_000;
    while ((cli.stdout().slice(mark).match(/slow request started/g)?.length ?? 0) < 4) {
      assert.ok(Date.now() < deadline, `the four requests did not all start:\n${cli.stdout().slice(mark)}`);
      await sleep(20);
    }
    process.kill(primaryPid, "SIGTERM");
    const answers = await Promise.allSettled(inFlight);
    for (const answer of answers) {
      assert.equal(answer.status, "fulfilled", answer.status === "rejected" ? String(answer.reason) : "");
      assert.equal((answer as PromiseFulfilledResult<{ status: number }>).value.status, 200);
    }
    assert.equal(await cli.exited, 0);
    assert.match(cli.stdout(), /Received SIGTERM: draining 2 worker\(s\)/);
    assert.equal(cli.stdout().slice(mark).match(/SHUTDOWN-HOOK-RAN/g)?.length, 2, "each worker ran its shutdown hooks");
    assert.match(cli.stdout(), /All workers stopped\n?/);
    await assert.rejects(get(`${base}/`), { code: "ECONNREFUSED" });
  });
});
