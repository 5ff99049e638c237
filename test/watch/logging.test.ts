import assert from "node:assert/strict";
import { it } from "node:test";
import { markRequest, nextRequestId, requestContext, startWatchdog, type BlockReport } from "../../src/watch/index.js";

function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

it("watchdog: logs one pretty line per block, calls onBlock, survives an onBlock that throws", async () => {
  const warnings: unknown[][] = [];
  const errors: unknown[][] = [];
  const reports: BlockReport[] = [];
  const watchdog = startWatchdog({
    thresholdMs: 100,
    pretty: true,
    rateLimitMs: 0,
    logger: { warn: (...args) => warnings.push(args), error: (...args) => errors.push(args) },
    onBlock: (report) => {
      reports.push(report);
      throw new Error("hook failed");
    },
  });
  try {
    await watchdog.ready;
    const ctx = { id: nextRequestId(), method: "PUT", url: "/things/1", route: "/things/{id}", startedAt: performance.now() };
    requestContext.run(ctx, () => {
      markRequest(ctx);
      blockFor(300);
    });
    const give = performance.now() + 5000;
    while (reports.length === 0 && performance.now() < give) await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    await watchdog.stop();
  }
  const report = reports.find((r) => r.request?.id !== undefined);
  assert.ok(report, "no report");
  assert.ok(report.at instanceof Date);
  assert.equal(report.request?.route, "/things/{id}");
  const lines = warnings.map((args) => args[0]).filter((line): line is string => typeof line === "string" && line.startsWith("BLOCKED"));
  assert.equal(lines.length, reports.length);
  assert.match(lines[0]!, /^BLOCKED \d\.\d s in PUT \/things\/\{id\} \(req \d+\) at blockFor \(test\/watch\/logging\.test\.ts:\d+\)/);
  assert.equal(errors.length, reports.length);
  assert.match(String(errors[0]![1]), /onBlock threw/);
  assert.equal(watchdog.stats.blocks, reports.length);
  assert.equal(watchdog.stats.byRoute.get("PUT /things/{id}")?.blocks, 1);
});
