// `loopwise openapi`: the app's OpenAPI document on stdout, nothing else, and clear errors.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "./cli-process.js";

describe("loopwise openapi", () => {
  it("prints the app's OpenAPI document as indented JSON, and only that", async () => {
    const { code, stdout, stderr } = await runCli(["openapi", "test/fixtures/cli/pid-app.ts"]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, "");
    assert.match(stdout, /^\{\n  "openapi": "3\.1\.\d+",\n/);
    const document = JSON.parse(stdout) as {
      info: { title: string };
      paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>;
    };
    assert.equal(document.info.title, "CLI fixture");
    assert.deepEqual(Object.keys(document.paths).sort(), ["/", "/slow"]);
    assert.deepEqual(
      document.paths["/slow"]!.get!.parameters!.map(({ name, in: where }) => ({ name, in: where })),
      [{ name: "ms", in: "query" }],
    );
  });

  it("finds a named export, and fails clearly without an app", async () => {
    const named = await runCli(["openapi", "test/fixtures/cli/no-app-export.ts:api"]);
    assert.equal(named.code, 0, named.stderr);
    assert.equal((JSON.parse(named.stdout) as { info: { title: string } }).info.title, "named api");
    const missing = await runCli(["openapi", "test/fixtures/cli/no-app-export.ts"]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, "");
    assert.match(missing.stderr, /^loopwise: error: .*no-app-export\.ts has no export "app"/);
  });
});
