#!/usr/bin/env node
// The README's test command: typecheck, then every test file on the pinned Node 24.
// System tools some suites need (a browser, a Redis server) are installed by those suites'
// own setup (test/support/), so this stays the single entry point for CI and for people.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { ensureSystemTools } from "./ensure-system-tools.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const node = bin("node");

function run(label, command, args) {
  console.log(`\n== ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, FORCE_COLOR: "0" } });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const only = process.argv.slice(2);
let status = 0;
if (only.length === 0) ensureSystemTools();
if (only.length === 0) status = run("typecheck (tsc --noEmit)", node, [bin("tsc"), "-p", "tsconfig.json", "--noEmit"]);
if (status === 0) {
  const files = only.length > 0 ? only : ["test/**/*.test.ts"];
  status = run("tests (node --test)", node, [
    "--conditions=loopwise-source",
    "--import",
    "tsx",
    "--test",
    // One file at a time: several suites load the machine on purpose (workers, pools, floods),
    // and two of them side by side on 2 cores made timing-sensitive assertions flaky.
    "--test-concurrency=1",
    "--test-timeout=120000",
    "--test-reporter=spec",
    ...files,
  ]);
}
process.exit(status);
