// The command line as data: defaults, environment defaults, flags over environment, and every
// wrong value rejected with one line and exit code 2.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CliError } from "../../src/cli/cli-error.js";
import { parseCommandLine, type DevCommand, type ServeCommand } from "../../src/cli/options.js";

function serve(args: string[], env: Record<string, string> = {}): ServeCommand {
  const command = parseCommandLine(["serve", ...args], env);
  assert.equal(command.kind, "serve");
  return command as ServeCommand;
}

function usageFailure(args: string[], pattern: RegExp, env: Record<string, string> = {}): void {
  assert.throws(
    () => parseCommandLine(args, env),
    (error: unknown) => {
      assert.ok(error instanceof CliError, String(error));
      assert.equal(error.exitCode, 2);
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /\n/, "one line");
      return true;
    },
  );
}

describe("loopwise command line", () => {
  it("serve has uvicorn's defaults", () => {
    const command = serve(["app.ts"]);
    assert.deepEqual(command.app, { module: "app.ts", exportName: "app", explicitExport: false });
    assert.equal(command.workers, 1);
    assert.deepEqual(command.settings, {
      host: "127.0.0.1",
      port: 8000,
      threads: undefined,
      limitConcurrency: undefined,
      keepAliveTimeoutMs: 5000,
      gracefulTimeoutMs: 30_000,
      logLevel: undefined,
      accessLog: false,
    });
  });

  it("reads PORT, HOST and WEB_CONCURRENCY from the environment, and flags win over them", () => {
    const env = { PORT: "9000", HOST: "0.0.0.0", WEB_CONCURRENCY: "3" };
    const fromEnv = serve(["app.ts"], env);
    assert.equal(fromEnv.settings.port, 9000);
    assert.equal(fromEnv.settings.host, "0.0.0.0");
    assert.equal(fromEnv.workers, 3);
    const fromFlags = serve(["app.ts", "--port", "9100", "--host", "::1", "-w", "2"], env);
    assert.equal(fromFlags.settings.port, 9100);
    assert.equal(fromFlags.settings.host, "::1");
    assert.equal(fromFlags.workers, 2);
    assert.equal(serve(["app.ts"], { PORT: "" }).settings.port, 8000, "an empty variable counts as unset");
  });

  it("takes every serve option", () => {
    const command = serve([
      "src/main.ts:api",
      "--threads=4",
      "--limit-concurrency",
      "100",
      "--timeout-keep-alive",
      "2.5",
      "--timeout-graceful-shutdown",
      "0",
      "--log-level",
      "WARNING",
      "--access-log",
      "--host",
      "[::1]",
    ]);
    assert.deepEqual(command.app, { module: "src/main.ts", exportName: "api", explicitExport: true });
    assert.equal(command.settings.threads, 4);
    assert.equal(command.settings.limitConcurrency, 100);
    assert.equal(command.settings.keepAliveTimeoutMs, 2500);
    assert.equal(command.settings.gracefulTimeoutMs, 0);
    assert.equal(command.settings.logLevel, "warn");
    assert.equal(command.settings.accessLog, true);
    assert.equal(command.settings.host, "::1");
    assert.equal(serve(["a.ts", "--access-log", "--no-access-log"]).settings.accessLog, false);
  });

  it("maps uvicorn's log levels to pino's", () => {
    const levels = { critical: "fatal", error: "error", warning: "warn", info: "info", debug: "debug", trace: "trace", silent: "silent" };
    for (const [given, expected] of Object.entries(levels)) assert.equal(serve(["a.ts", "--log-level", given]).settings.logLevel, expected);
  });

  it("dev takes the server options and repeated --reload-dir, with a short graceful timeout", () => {
    const command = parseCommandLine(["dev", "app.ts", "--reload-dir", "src", "--reload-dir", "lib", "--port", "0"], {}) as DevCommand;
    assert.equal(command.kind, "dev");
    assert.deepEqual(command.reloadDirs, ["src", "lib"]);
    assert.equal(command.settings.port, 0);
    assert.equal(command.settings.gracefulTimeoutMs, 2000);
    usageFailure(["dev", "app.ts", "--workers", "2"], /Unknown option '--workers'/);
    usageFailure(["dev", "app.ts", "--reload-dir", " "], /--reload-dir must not be empty/);
  });

  it("rejects wrong numbers with the option's name, from flags and from the environment", () => {
    for (const port of ["abc", "-1", "65536", "80.5", "1e3", "0x50", " 80", "8000 ", "99999999999"]) {
      usageFailure(["serve", "a.ts", `--port=${port}`], /--port must be a whole number from 0 to 65535/);
    }
    usageFailure(["serve", "a.ts"], /PORT \(from the environment\) must be a whole number/, { PORT: "http" });
    usageFailure(["serve", "a.ts"], /WEB_CONCURRENCY \(from the environment\) must be a whole number from 1/, { WEB_CONCURRENCY: "0" });
    usageFailure(["serve", "a.ts", "--workers", "1025"], /--workers must be a whole number from 1 to 1024/);
    usageFailure(["serve", "a.ts", "--threads", "0"], /--threads must be/);
    usageFailure(["serve", "a.ts", "--limit-concurrency=-5"], /--limit-concurrency must be/);
    usageFailure(["serve", "a.ts", "--limit-concurrency", "-5"], /Option '--limit-concurrency' argument is ambiguous \(see/);
    usageFailure(["serve", "a.ts", "--timeout-keep-alive=-1"], /--timeout-keep-alive must be a number of seconds/);
    usageFailure(["serve", "a.ts", "--timeout-graceful-shutdown", "NaN"], /--timeout-graceful-shutdown must be/);
    usageFailure(["serve", "a.ts", "--timeout-graceful-shutdown", "Infinity"], /--timeout-graceful-shutdown must be/);
    usageFailure(["serve", "a.ts", "--log-level", "loud"], /--log-level must be one of critical, error, warning/);
    usageFailure(["serve", "a.ts", "--log-level", "constructor"], /--log-level must be one of/);
    usageFailure(["serve", "a.ts", "--host", "http://example.com"], /--host must be a host name or an IP address/);
    usageFailure(["serve", "a.ts", "--host", "a b"], /--host must be/);
  });

  it("rejects a wrong app argument", () => {
    usageFailure(["serve"], /missing the app module: loopwise serve <module>\[:export\]/);
    usageFailure(["serve", "a.ts", "b.ts"], /unexpected argument "b.ts"/);
    usageFailure(["serve", ""], /the app module is empty/);
    usageFailure(["serve", "a.ts:"], /nothing after ":"/);
    usageFailure(["serve", "a.ts:1app"], /"1app" is not a valid export name/);
    usageFailure(["serve", "a.ts:app-name"], /not a valid export name/);
    usageFailure(["serve", "a\0.ts"], /NUL byte/);
    usageFailure(["openapi"], /missing the app module: loopwise openapi/);
  });

  it("parses <module>[:export] like uvicorn, including dotted exports and Windows paths", () => {
    assert.deepEqual(serve(["main:app"]).app, { module: "main", exportName: "app", explicitExport: true });
    assert.deepEqual(serve(["pkg/main.ts:container.api"]).app, { module: "pkg/main.ts", exportName: "container.api", explicitExport: true });
    assert.deepEqual(serve(["C:\\srv\\app.ts"]).app, { module: "C:\\srv\\app.ts", exportName: "app", explicitExport: false });
    assert.deepEqual(serve(["C:\\srv\\app.ts:api"]).app, { module: "C:\\srv\\app.ts", exportName: "api", explicitExport: true });
  });

  it("rejects unknown options and commands, with a hint for a forgotten 'serve'", () => {
    usageFailure(["serve", "a.ts", "--wokers", "2"], /Unknown option '--wokers'/);
    usageFailure(["serve", "a.ts", "--port"], /--port/);
    usageFailure(["start", "a.ts"], /unknown command "start".*serve, dev, openapi/);
    usageFailure(["app.ts"], /unknown command "app.ts" \(to run it: loopwise serve app.ts\)/);
    assert.throws(() => parseCommandLine([], {}), (error: CliError) => error.exitCode === 2 && /missing a command/.test(error.message));
  });

  it("prints help for the program and for each command, and the version", () => {
    const text = (args: string[]) => {
      const command = parseCommandLine(args, {}, "9.9.9");
      assert.equal(command.kind, "print");
      return (command as { text: string }).text;
    };
    for (const args of [["--help"], ["-h"], ["help"]]) assert.match(text(args), /commands:\n  serve .*\n  dev .*\n  openapi /);
    const serveHelp = text(["serve", "--help"]);
    for (const option of ["--host", "--port", "--workers", "--threads", "--limit-concurrency", "--timeout-keep-alive", "--timeout-graceful-shutdown", "--log-level", "--access-log", "SIGHUP", "WEB_CONCURRENCY"]) {
      assert.ok(serveHelp.includes(option), `serve --help mentions ${option}`);
    }
    assert.equal(text(["help", "serve"]), serveHelp);
    assert.match(text(["dev", "-h"]), /--reload-dir/);
    assert.match(text(["openapi", "--help"]), /OpenAPI/);
    // Help wins over a missing module.
    assert.match(text(["serve", "--help"]), /usage: loopwise serve/);
    assert.equal(text(["--version"]), "loopwise 9.9.9");
  });
});
