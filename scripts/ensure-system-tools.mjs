#!/usr/bin/env node
// Installs the Debian packages some test suites need (a browser for the docs/dashboard pages,
// a real Redis for the queue lane) before the suites run, once and serially: suites installing
// them in parallel would fight over the dpkg lock. Each suite still checks for its tool itself.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const wanted = [
  { binary: "/usr/bin/chromium", pkg: "chromium" },
  { binary: "/usr/bin/redis-server", pkg: "redis-server" },
];

export function ensureSystemTools() {
  const missing = wanted.filter((w) => !existsSync(w.binary)).map((w) => w.pkg);
  if (missing.length === 0) return true;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    console.warn(`[system tools] missing ${missing.join(", ")} and cannot apt-get here; the suites that need them will say so`);
    return false;
  }
  console.log(`[system tools] installing ${missing.join(", ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const quiet = { stdio: ["ignore", "ignore", "inherit"], env };
  if (spawnSync("apt-get", ["update"], quiet).status !== 0) console.warn("[system tools] apt-get update failed");
  const install = spawnSync("apt-get", ["install", "-y", ...missing], quiet);
  if (install.status !== 0) {
    console.warn(`[system tools] apt-get install ${missing.join(" ")} failed (exit ${install.status})`);
    return false;
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(ensureSystemTools() ? 0 : 1);
