// What a person sees when `loopwise serve` cannot start: a non-zero exit and one readable line
// (plus the stack into their own code when their module threw), never the CLI's own stack.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { runCli } from "./cli-process.js";

/** The error lines of stderr, checked to be the CLI's and not an unexpected stack. */
function errorLines(stderr: string): string[] {
  const lines = stderr.split("\n").filter((line) => line.trim() !== "");
  assert.ok(lines.length > 0, "something was printed on stderr");
  assert.match(lines[0]!, /^loopwise: error: /, stderr);
  assert.doesNotMatch(stderr, /src\/cli\/|bin\/loopwise\.js|unexpected error/, "no stack of the CLI itself");
  return lines;
}

describe("loopwise serve: errors", () => {
  let blocker: net.Server;
  let busyPort: number;

  before(async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    busyPort = (blocker.address() as net.AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it("a module that does not exist", async () => {
    const { code, stderr, stdout } = await runCli(["serve", "test/fixtures/cli/no-such-app.ts"]);
    assert.equal(code, 1);
    assert.deepEqual(errorLines(stderr), [
      `loopwise: error: Could not find the app module "test/fixtures/cli/no-such-app.ts": no file test/fixtures/cli/no-such-app.ts (relative to ${process.cwd()})`,
    ]);
    assert.equal(stdout, "");
  });

  it("a module without an app export names the exports it has", async () => {
    const { code, stderr } = await runCli(["serve", "test/fixtures/cli/no-app-export.ts", "--workers", "2"]);
    assert.equal(code, 1);
    const lines = errorLines(stderr);
    assert.equal(lines.length, 1, "reported once, by the primary, not by each worker");
    assert.match(lines[0]!, /no-app-export\.ts has no export "app" \(its exports: api, notAnApp\)\. Export the app with `export const app = new App\(\)`, or name its export: .*no-app-export\.ts:<name>$/);
  });

  it("an export that is not an App", async () => {
    const { code, stderr } = await runCli(["serve", "test/fixtures/cli/no-app-export.ts:notAnApp"]);
    assert.equal(code, 1);
    assert.match(errorLines(stderr)[0]!, /The export "notAnApp" of .*no-app-export\.ts is an object of class Object, not a loopwise App$/);
  });

  it("a module that throws while imported: the error and the line in the user's module", async () => {
    const { code, stderr } = await runCli(["serve", "test/fixtures/cli/throws-at-import.ts"]);
    assert.equal(code, 1);
    const lines = errorLines(stderr);
    assert.match(lines[0]!, /Importing the app module .*throws-at-import\.ts failed: Error: the database URL is not set$/);
    assert.match(lines[1]!, /^\s+at .*throws-at-import\.ts:5:7\)?$/);
  });

  it("a port in use, with one process and with workers", async () => {
    for (const workers of ["1", "2"]) {
      const { code, stderr } = await runCli(["serve", "test/fixtures/cli/pid-app.ts", "--port", String(busyPort), "--workers", workers]);
      assert.equal(code, 1, `--workers ${workers}`);
      assert.deepEqual(errorLines(stderr), [
        `loopwise: error: Port ${busyPort} on 127.0.0.1 is already in use: stop the other server or choose another port`,
      ]);
    }
  });

  it("a wrong command line exits 2 and points to the help", async () => {
    const { code, stderr } = await runCli(["serve", "test/fixtures/cli/pid-app.ts", "--workers", "many"]);
    assert.equal(code, 2);
    assert.deepEqual(errorLines(stderr), [
      `loopwise: error: --workers must be a whole number from 1 to 1024, got "many" (see "loopwise serve --help")`,
    ]);
  });

  it("--help and --version exit 0 on stdout", async () => {
    const help = await runCli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^loopwise: run loopwise apps\n/);
    assert.match(help.stdout, /\n  serve <module>\[:export\] .*\n  dev <module>\[:export\] .*\n  openapi <module>\[:export\] /);
    assert.equal(help.stderr, "");
    const version = await runCli(["--version"]);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^loopwise \d+\.\d+\.\d+\n$/);
  });
});
