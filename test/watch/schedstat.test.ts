import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SchedstatReader, classify, parseSchedstat, type SchedSample } from "../../src/watch/schedstat.js";

const sample = (atMs: number, runMs: number, waitMs: number): SchedSample => ({ atMs, runNs: runMs * 1e6, waitNs: waitMs * 1e6 });

describe("schedstat classification", () => {
  it("parses the kernel's line and nothing else", () => {
    assert.deepEqual(parseSchedstat("36548235 33557036 158\n"), { runNs: 36548235, waitNs: 33557036 });
    for (const bad of ["", "1 2", "a b c", "1 2 3 4", "-1 2 3", "1  2 3", `${"9".repeat(30)} 1 1`, "1 2 3\n4 5 6"]) {
      assert.equal(parseSchedstat(bad), null, JSON.stringify(bad));
    }
  });

  it("splits wall time into on-CPU, runqueue and off-CPU", () => {
    assert.deepEqual(classify(sample(0, 0, 0), sample(1000, 990, 10)), { onCpu: 0.99, offCpu: 0, runqueue: 0.01 });
    assert.deepEqual(classify(sample(0, 0, 0), sample(1000, 0, 0)), { onCpu: 0, offCpu: 1, runqueue: 0 });
    assert.deepEqual(classify(sample(0, 0, 0), sample(500, 200, 300)), { onCpu: 0.4, offCpu: 0, runqueue: 0.6 });
  });

  it("stays within [0, 1] on counters that are off or go backwards", () => {
    assert.deepEqual(classify(sample(0, 0, 0), sample(100, 150, 50)), { onCpu: 1, offCpu: 0, runqueue: 0 });
    assert.deepEqual(classify(sample(0, 100, 100), sample(100, 0, 0)), { onCpu: 0, offCpu: 1, runqueue: 0 });
    assert.equal(classify(sample(5, 0, 0), sample(5, 1, 1)), null);
    assert.equal(classify(null, sample(5, 1, 1)), null);
    assert.equal(classify(sample(5, 1, 1), null), null);
  });

  it("reads this thread's counters, which grow while it computes", (t) => {
    const tid = process.pid; // the test runs on the main thread
    const reader = new SchedstatReader(tid);
    if (!reader.available) return t.skip("/proc schedstat not available");
    const before = reader.sample()!;
    const end = performance.now() + 30;
    while (performance.now() < end);
    const after = reader.sample()!;
    assert.ok(after.runNs > before.runNs);
    reader.close();
    assert.equal(reader.sample(), null);
  });

  it("degrades to null where /proc is missing or says something else", () => {
    assert.equal(new SchedstatReader(0).available, false);
    assert.equal(new SchedstatReader(Number.NaN).available, false);
    assert.equal(new SchedstatReader(123, "/nonexistent-proc").sample(), null);
    const root = mkdtempSync(join(tmpdir(), "loopwise-proc-"));
    try {
      mkdirSync(join(root, "self", "task", "7"), { recursive: true });
      writeFileSync(join(root, "self", "task", "7", "schedstat"), "garbage\n");
      const reader = new SchedstatReader(7, root);
      assert.equal(reader.available, true);
      assert.equal(reader.sample(), null);
      assert.equal(reader.available, false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
