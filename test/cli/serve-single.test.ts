// `loopwise serve` as one process, the real binary on a TypeScript app: the settings it hands to
// the app and the server (threads, concurrency limit, access log), signals, and the defaults
// taken from the environment.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { freePort } from "../../src/cli/free-port.js";
import { SERVING, SERVING_WORKERS, get, sleep, startCli, type CliProcess } from "./cli-process.js";

describe("loopwise serve (one process)", () => {
  let cli: CliProcess;
  let base: string;

  before(async () => {
    cli = startCli([
      "serve",
      "test/fixtures/cli/pid-app.ts",
      "--port",
      "0",
      "--threads",
      "3",
      "--limit-concurrency",
      "2",
      "--access-log",
      "--timeout-keep-alive",
      "1",
    ]);
    base = (await cli.waitFor(SERVING, 30_000))[1]!;
  });
  after(async () => {
    await cli.stop(5000);
  });

  it("serves a TypeScript app from the process it started, with the thread count exported to the app", async () => {
    const answer = await get(`${base}/`);
    assert.equal(answer.status, 200);
    // bin/loopwise.js replaced itself with `node --import tsx ...`: the pid did not change.
    assert.deepEqual(answer.json(), { pid: cli.pid, env: null, threads: "3" });
  });

  it("writes a uvicorn-style access line per request", async () => {
    await get(`${base}/?from=access-log-test`);
    await cli.waitFor(/127\.0\.0\.1:\d+ - \\?"GET \/\?from=access-log-test HTTP\/1\.1\\?" 200 [\d.]+ ms/, 5000);
  });

  it("answers 503 with Retry-After beyond --limit-concurrency requests in flight, and 200 again after", async () => {
    const mark = cli.stdout().length;
    const slow = [get(`${base}/slow?ms=1500`), get(`${base}/slow?ms=1500`)];
    const deadline = Date.now() + 10_000;
    while ((cli.stdout().slice(mark).match(/slow request started/g)?.length ?? 0) < 2) {
      assert.ok(Date.now() < deadline, "both slow requests started");
      await sleep(20);
    }
    const refused = await get(`${base}/`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers["retry-after"], "1");
    assert.deepEqual(JSON.parse(refused.body), { detail: "Service Unavailable: too many requests in flight" });
    for (const answer of await Promise.all(slow)) assert.equal(answer.status, 200);
    assert.equal((await get(`${base}/`)).status, 200);
  });

  it("ignores SIGHUP with a warning (rolling needs workers) and keeps serving", async () => {
    const mark = cli.stdout().length;
    process.kill(cli.pid, "SIGHUP");
    await cli.waitFor(/Received SIGHUP: ignored; rolling restarts need loopwise serve --workers 2 or more/, 5000, mark);
    assert.equal((await get(`${base}/`)).status, 200);
  });

  it("on SIGTERM finishes the request in flight, runs shutdown hooks and exits 0", async () => {
    const mark = cli.stdout().length;
    const inFlight = get(`${base}/slow?ms=1200`);
    await cli.waitFor(/slow request started/, 10_000, mark);
    process.kill(cli.pid, "SIGTERM");
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.equal(await cli.exited, 0);
    assert.match(cli.stdout().slice(mark), /Received SIGTERM: finishing in-flight requests, then exiting[\s\S]*SHUTDOWN-HOOK-RAN[\s\S]*Shutdown complete/);
  });
});

describe("loopwise serve: defaults from the environment", () => {
  it("takes PORT, HOST and WEB_CONCURRENCY from the environment, and an App exported as default", async () => {
    const port = await freePort("127.0.0.1");
    const cli = startCli(["serve", "test/fixtures/cli/default-export.ts"], { PORT: String(port), HOST: "127.0.0.1", WEB_CONCURRENCY: "2" });
    try {
      const ready = await cli.waitFor(SERVING_WORKERS, 60_000);
      assert.equal(ready[1], `http://127.0.0.1:${port}`);
      assert.equal(ready[2], "2");
      const answer = await get(`http://127.0.0.1:${port}/`);
      assert.deepEqual(answer.json(), { from: "default" });
    } finally {
      assert.equal(await cli.stop(15_000), 0);
    }
  });
});
