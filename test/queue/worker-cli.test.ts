// `loopwise worker`: its help and the mistakes it must explain rather than crash on.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, test } from "node:test";
import { nodeBin, repoRoot } from "../support/node-bin.js";
import { cliCommand, fixtureApp, loopwiseBin } from "./worker-process.js";

function run(args: string[], env: Record<string, string | undefined> = {}, entry = cliCommand): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(nodeBin, [...entry, ...args], {
      cwd: repoRoot,
      env: { ...process.env, REDIS_URL: undefined, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.once("exit", (code) => resolve({ code, out, err }));
  });
}

describe("loopwise worker", () => {
  test("--help explains it, and the main help lists it", async () => {
    const help = await run(["worker", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /usage: loopwise worker <module>\[:export\]/);
    assert.match(help.out, /--concurrency/);
    const main = await run(["--help"]);
    assert.match(main.out, /worker <module>\[:export\]/);
    assert.match((await run(["help", "worker"])).out, /usage: loopwise worker/);
  });

  test("the installed command (bin/loopwise.js) has it", async () => {
    const help = await run(["worker", "--help"], {}, [loopwiseBin]);
    assert.equal(help.code, 0, help.err);
    assert.match(help.out, /usage: loopwise worker/);
  });

  const usage: [string, string[], RegExp][] = [
    ["no module", ["worker"], /missing the app module/],
    ["two modules", ["worker", "a.ts", "b.ts"], /unexpected argument "b.ts"/],
    ["concurrency 0", ["worker", fixtureApp, "--concurrency", "0"], /--concurrency must be a whole number from 1/],
    ["concurrency text", ["worker", fixtureApp, "-c", "lots"], /--concurrency must be a whole number/],
    ["a queue with a colon", ["worker", fixtureApp, "--queue", "a:b"], /--queue must be a queue name/],
    ["an unknown option", ["worker", fixtureApp, "--bogus"], /Unknown option '--bogus'/],
    ["a bad grace period", ["worker", fixtureApp, "--timeout-graceful-shutdown=1e9"], /must be seconds/],
  ];
  for (const [name, args, message] of usage) {
    test(`refuses ${name} with exit code 2`, async () => {
      const result = await run(args);
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, message);
      assert.match(result.err, /loopwise worker --help/);
    });
  }

  test("without Redis configured it says how to configure it (exit 1)", async () => {
    const result = await run(["worker", fixtureApp]);
    assert.equal(result.code, 1);
    assert.match(result.err, /No Redis is configured: set REDIS_URL=redis:\/\/host:6379, pass --redis-url/);
  });

  test("a malformed --redis-url is a usage error that does not echo the password", async () => {
    const result = await run(["worker", fixtureApp, "--redis-url", "http://:hunter2@host"]);
    assert.equal(result.code, 2);
    assert.match(result.err, /--redis-url: The Redis URL must start with redis:\/\//);
    assert.doesNotMatch(result.err, /hunter2/);
  });

  test("an app without tasks is refused with what a task is", async () => {
    const result = await run(["worker", "test/fixtures/queue/no-tasks.ts"], { REDIS_URL: "redis://127.0.0.1:1" });
    assert.equal(result.code, 1);
    assert.match(result.err, /The app module defines no tasks/);
  });

  test("a queue no task uses is refused, listing the app's queues", async () => {
    const result = await run(["worker", fixtureApp, "--queue", "nope"], { REDIS_URL: "redis://127.0.0.1:1" });
    assert.equal(result.code, 1);
    assert.match(result.err, /No task of the app uses queue "nope" \(its tasks' queues: default\)/);
  });
});
