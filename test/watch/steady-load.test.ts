import assert from "node:assert/strict";
import { it } from "node:test";
import { runFixture } from "./run-fixture.js";

it("watchdog: reports nothing under steady async load", async () => {
  const run = await runFixture("steady-load");
  assert.equal(run.code, 0, run.stderr);
  const served = run.events.find((event) => event.type === "served");
  assert.ok(served && (served["served"] as number) > 1000, `the load ran: ${JSON.stringify(served)}`);
  // A stall of the whole machine (other processes took the CPUs) is reported, correctly, as
  // mostly runqueue wait; nothing in this fixture's code may be reported as blocking.
  const blamed = run.reports.filter((report) => report.class === null || report.class.runqueue < 0.5);
  assert.deepEqual(blamed, []);
});
