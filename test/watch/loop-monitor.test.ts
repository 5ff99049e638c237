import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { LoopMonitor } from "../../src/watch/loop-monitor.js";

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe("LoopMonitor", () => {
  it("sees a block as the probe's lag, in the window's maximum and the lifetime percentiles", async () => {
    const monitor = new LoopMonitor();
    const windows: number[] = [];
    monitor.onSample((sample) => windows.push(sample.max));
    monitor.start();
    try {
      await sleep(100);
      blockFor(150);
      // Read before the probe ran: the overdue probe already counts.
      assert.ok(monitor.lagMs >= 100, `lag right after the block: ${monitor.lagMs}`);
      while (windows.length === 0) await sleep(50);
      const max = windows[0]!;
      // Two significant figures: within 1% of the lag, and never the histogram's ceiling.
      assert.ok(max >= 120 && max < 1000, `window max ${max} ms`);
      const lifetime = monitor.lifetime();
      assert.ok(lifetime.count >= 10, `probes recorded: ${lifetime.count}`);
      assert.ok(lifetime.max >= 120 && lifetime.max < 1000, `lifetime max ${lifetime.max} ms`);
      assert.ok(lifetime.p50 < 50, `median lag ${lifetime.p50} ms of a mostly idle loop`);
      assert.equal(monitor.history.length, windows.length);
      assert.ok(monitor.latest.elu > 0 && monitor.latest.elu <= 1, `utilization ${monitor.latest.elu}`);
    } finally {
      monitor.stop();
    }
  });
});
