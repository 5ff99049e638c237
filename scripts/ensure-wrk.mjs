#!/usr/bin/env node
// Makes sure the `wrk` load generator is on PATH, installing Debian's package when it is missing.
// The benchmark harness calls this before a run; it can also be run by hand:
//   node scripts/ensure-wrk.mjs        → prints "wrk: /usr/bin/wrk" or "wrk: unavailable (...)"
// Exit code 0 when wrk is available afterwards, 1 when it is not (the harness then falls back to
// autocannon). Never throws for an expected failure: a missing apt or a non-root user is normal.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Absolute path of `wrk` on PATH, or undefined. */
export function findWrk() {
  const result = spawnSync("sh", ["-c", "command -v wrk"], { encoding: "utf8" });
  const path = result.status === 0 ? result.stdout.trim() : "";
  return path === "" ? undefined : path;
}

function run(command, args, timeoutMs) {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.error) return { ok: false, why: `${command}: ${result.error.message}` };
  if (result.status !== 0) {
    const tail = (result.stderr || result.stdout || "").trim().split("\n").slice(-3).join(" | ");
    return { ok: false, why: `${command} ${args.join(" ")} exited ${result.status}: ${tail}` };
  }
  return { ok: true };
}

/**
 * Returns `{ path }` when wrk is (or has just been made) available, or `{ why }` explaining why not.
 * apt is only attempted as root, with bounded timeouts so a hung mirror cannot stall a benchmark.
 */
export function ensureWrk() {
  const existing = findWrk();
  if (existing) return { path: existing };
  if (findOnPath("apt-get") === undefined) return { why: "apt-get not found" };
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    return { why: "not root, cannot apt-get install wrk" };
  }
  const update = run("apt-get", ["update"], 180_000);
  if (!update.ok) return { why: update.why };
  const install = run("apt-get", ["install", "-y", "--no-install-recommends", "wrk"], 180_000);
  if (!install.ok) return { why: install.why };
  const installed = findWrk();
  return installed ? { path: installed } : { why: "apt-get install wrk succeeded but wrk is not on PATH" };
}

function findOnPath(name) {
  const result = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outcome = ensureWrk();
  if (outcome.path) {
    console.log(`wrk: ${outcome.path}`);
  } else {
    console.log(`wrk: unavailable (${outcome.why})`);
    process.exitCode = 1;
  }
}
