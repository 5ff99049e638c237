import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readLaneRoute, routeBytesView, writeLaneRoute } from "../../src/watch/lane-route.js";
import { LANE_STATE, HEADER, LANE, laneBase, sharedBufferSize } from "../../src/watch/shared-layout.js";
import { joinThreadLane } from "../../src/watch/thread-lane.js";
import { runFixture } from "./run-fixture.js";

describe("watchdog: thread lanes", () => {
  it("reports a worker thread stuck in a request, while it is and when it ends, and nothing for an idle one", async () => {
    const run = await runFixture("thread-lane");
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.events.find((event) => event.type === "lanes"), { type: "lanes", allocated: [1, 2], third: null });
    const workers = run.events.find((event) => event.type === "workers")!;
    const stalls = run.reports.filter((r) => r.thread !== "main" && r.request?.id === 7001);
    assert.deepEqual(
      stalls.map((r) => r.ended),
      [false, true],
      JSON.stringify(stalls),
    );
    for (const report of stalls) {
      assert.deepEqual(report.thread, { workerId: workers["busy"], route: "POST /reports" });
      assert.deepEqual(report.request, { id: 7001, method: "POST", route: "/reports" });
      assert.equal(report.attribution, "lane");
      assert.equal(report.blockId, stalls[0]!.blockId);
    }
    assert.ok(stalls[1]!.durationMs > stalls[0]!.durationMs);
    if (stalls[1]!.class !== null) assert.ok(stalls[1]!.class.offCpu < 0.5, JSON.stringify(stalls[1]!.class));
    // The main thread and the idle worker only wait here. When the machine itself has no CPU to
    // give them (other processes), they are reported too, correctly, as mostly runqueue wait.
    const others = run.reports.filter((r) => r.request?.id !== 7001 && (r.class === null || r.class.runqueue < 0.5));
    assert.deepEqual(others, []);
    const released = run.events.find((event) => event.type === "released")!;
    assert.equal(released["again"], 1);
    const distinct = (main: boolean) => new Set(run.reports.filter((r) => (r.thread === "main") === main).map((r) => r.blockId)).size;
    assert.deepEqual(released["stats"], { threadStalls: distinct(false), blocks: distinct(true) });
  });

  it("refuses grants that are not grants", () => {
    const buffer = new SharedArrayBuffer(sharedBufferSize(2));
    const view = new Int32Array(buffer);
    Atomics.store(view, HEADER.laneCount, 3);
    assert.throws(() => joinThreadLane({ buffer: new ArrayBuffer(64) as never, lane: 1, epoch: 0 }), /SharedArrayBuffer/);
    assert.throws(() => joinThreadLane(null as never), /SharedArrayBuffer/);
    assert.throws(() => joinThreadLane({ buffer, lane: 0, epoch: 0 }), /does not exist/);
    assert.throws(() => joinThreadLane({ buffer, lane: 3, epoch: 0 }), /does not exist/);
    assert.throws(() => joinThreadLane({ buffer, lane: 1.5, epoch: 0 }), /does not exist/);
    assert.throws(() => joinThreadLane({ buffer, lane: 1, epoch: Number.NaN }), /epoch/);
    // Not reserved by a watchdog: refused.
    assert.throws(() => joinThreadLane({ buffer, lane: 1, epoch: 0 }), /not reserved/);
    Atomics.store(view, laneBase(1) + LANE.state, LANE_STATE.reserved);
    const lane = joinThreadLane({ buffer, lane: 1, epoch: 0 }, { workerId: 42 });
    assert.equal(Atomics.load(view, laneBase(1) + LANE.workerId), 42);
    assert.equal(Atomics.load(view, laneBase(1) + LANE.state), LANE_STATE.idle);
    lane.enter({ id: 2 ** 40 + 5, method: "GET", route: "/x" });
    assert.equal(Atomics.load(view, laneBase(1) + LANE.state), LANE_STATE.busy);
    lane.exit();
    lane.close();
    assert.equal(Atomics.load(view, laneBase(1) + LANE.state), LANE_STATE.reserved);
  });

  it("keeps route names whole: multi-byte characters, control characters, names too long", () => {
    const buffer = new SharedArrayBuffer(sharedBufferSize(1));
    const view = new Int32Array(buffer);
    const base = laneBase(1);
    const bytes = routeBytesView(buffer, base);
    writeLaneRoute(view, bytes, base, { method: "GET", route: "/café/{id}" });
    assert.deepEqual(readLaneRoute(view, bytes, base), { method: "GET", route: "/café/{id}" });
    writeLaneRoute(view, bytes, base, { method: "", route: "task:resize\u001b[31m" });
    assert.deepEqual(readLaneRoute(view, bytes, base), { method: "", route: "task:resize\u001b[31m" });
    const long = `/${"é".repeat(200)}`;
    writeLaneRoute(view, bytes, base, { method: "POST", route: long });
    const read = readLaneRoute(view, bytes, base)!;
    assert.equal(read.method, "POST");
    assert.ok(long.startsWith(read.route) && read.route.length < long.length, "cut at a character boundary");
    assert.doesNotMatch(read.route, /\uFFFD/);
  });
});
