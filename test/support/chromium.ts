import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium, which the browser tests drive with playwright-core. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** No GPU, no sandbox (containers run as root), and nothing that talks to the network by itself. */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function aptGet(args: string[]): void {
  // The lock timeout lets two suites that need the browser wait for each other's install.
  const result = spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=600", ...args], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`apt-get ${args.join(" ")} exited with ${result.status}`);
}

/** Installs Debian's chromium with apt-get when it is missing (the test machines run as root). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  aptGet(["update"]);
  aptGet(["install", "-y", "chromium"]);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is still missing`);
}

/**
 * A headless chromium for tests, installed first if needed. Close it when done.
 *
 * @example
 * const browser = await launchChromium();
 * try { const page = await browser.newPage(); await page.goto(url); } finally { await browser.close(); }
 */
export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
}
