// examples/s1-blocking/parallel-curl.ts: the S1 experiment through `loopwise serve`, as a script.
// The assertions are about the order of the server's log, never about durations.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { nodeBin, repoRoot, tsNodeArgs } from "../support/node-bin.js";

interface Line {
  event: "start" | "end";
  url: string;
  reqId: number;
}

function section(output: string, heading: string): Line[] {
  const from = output.indexOf(heading);
  assert.ok(from >= 0, `"${heading}" in:\n${output}`);
  const next = output.indexOf("\n\n", from);
  return [...output.slice(from, next < 0 ? undefined : next).matchAll(/^ {4}[\d.]+ s {2}(start|end) +GET (\S+) +req (\d+)/gm)].map((m) => ({
    event: m[1] as Line["event"],
    url: m[2]!,
    reqId: Number(m[3]),
  }));
}

describe("examples/s1-blocking/parallel-curl.ts", () => {
  it("prints the server's start/end order: overlapping without /slow, nothing started during /slow", async () => {
    const child = spawn(nodeBin, [...tsNodeArgs, path.join(repoRoot, "examples/s1-blocking/parallel-curl.ts")], {
      cwd: repoRoot,
      env: { ...process.env, S1_SECONDS: "0.4" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const code = await new Promise((resolve) => child.once("exit", resolve));
    clearTimeout(timer);
    assert.equal(code, 0, `${out}\n${err}`);

    const first = section(out, "1) only non-blocking awaits");
    assert.equal(first.length, 12, out);
    const slashes = first.filter((line) => line.url === "/");
    const lastStart = Math.max(...slashes.filter((l) => l.event === "start").map((l) => first.indexOf(l)));
    const firstEnd = Math.min(...slashes.filter((l) => l.event === "end").map((l) => first.indexOf(l)));
    assert.ok(lastStart < firstEnd, "every / started before any / ended");

    const second = section(out, "2) an async handler that blocks");
    assert.equal(second.length, 12, out);
    const slow = second.filter((line) => line.url === "/slow");
    assert.deepEqual(slow.map((l) => l.event), ["start", "end", "start", "end"], "the two /slow ran one after the other");
    assert.match(out, /requests the server started while a \/slow was running: 0/);
  });
});
