import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { threadId } from "node:worker_threads";
import { claimThreadLane, releaseThreadLanesOf, setActiveThreadLaneSource } from "../../src/watch/pool-lanes.js";
import { HEADER, LANE, LANE_STATE, laneBase, sharedBufferSize } from "../../src/watch/shared-layout.js";

function lanes(count: number): { buffer: SharedArrayBuffer; view: Int32Array } {
  const buffer = new SharedArrayBuffer(sharedBufferSize(count));
  const view = new Int32Array(buffer);
  Atomics.store(view, HEADER.laneCount, count + 1);
  return { buffer, view };
}

describe("pool lanes: heartbeats for threads the pool starts by itself", () => {
  it("claims a free lane, parks it between calls, and the main thread frees it when the thread goes", () => {
    const { buffer, view } = lanes(2);
    Atomics.store(view, laneBase(1) + LANE.state, LANE_STATE.busy);
    Atomics.store(view, laneBase(1) + LANE.workerId, threadId + 99);
    const lane = claimThreadLane({ buffer, epoch: 0 })!;
    assert.ok(lane);
    const base = laneBase(2);
    assert.equal(Atomics.load(view, base + LANE.workerId), threadId);
    assert.equal(Atomics.load(view, base + LANE.state), LANE_STATE.parked);
    lane.enter({ id: 5, method: "GET", route: "/x" });
    assert.equal(Atomics.load(view, base + LANE.state), LANE_STATE.busy);
    lane.exit();
    assert.equal(Atomics.load(view, base + LANE.state), LANE_STATE.parked);
    // Calls stacked on one thread interleave: the lane is busy until the last one ends.
    lane.enter({ id: 6, method: "GET", route: "/a" });
    lane.enter({ id: 7, method: "GET", route: "/b" });
    lane.exit();
    assert.equal(Atomics.load(view, base + LANE.state), LANE_STATE.busy);
    lane.exit();
    assert.equal(Atomics.load(view, base + LANE.state), LANE_STATE.parked);
    lane.exit();
    assert.equal(Atomics.load(view, base + LANE.state), LANE_STATE.parked, "an extra exit does not go below idle");
    lane.enter({ id: 8, method: "GET", route: "/c" });
    assert.equal(Atomics.load(view, base + LANE.state), LANE_STATE.busy);
    lane.exit();
    lane.close();
    setActiveThreadLaneSource({ buffer, epoch: 0 });
    try {
      releaseThreadLanesOf(threadId);
      assert.equal(Atomics.load(view, base + LANE.state), LANE_STATE.free);
      assert.equal(Atomics.load(view, laneBase(1) + LANE.state), LANE_STATE.busy, "another thread's lane is left alone");
      releaseThreadLanesOf(Number.NaN);
    } finally {
      setActiveThreadLaneSource(undefined);
    }
  });

  it("gives no lane for anything that is not a source, or when all are taken", () => {
    for (const hostile of [undefined, null, 7, "lanes", {}, { buffer: new ArrayBuffer(64), epoch: 0 }, { buffer: new SharedArrayBuffer(8), epoch: Number.NaN }]) {
      assert.equal(claimThreadLane(hostile), null, JSON.stringify(hostile));
    }
    const { buffer, view } = lanes(1);
    Atomics.store(view, laneBase(1) + LANE.state, LANE_STATE.reserved);
    assert.equal(claimThreadLane({ buffer, epoch: 0 }), null);
    // A lane count that lies about the buffer's size: refused, not thrown.
    const short = lanes(1);
    Atomics.store(short.view, HEADER.laneCount, 1000);
    Atomics.store(short.view, laneBase(1) + LANE.state, LANE_STATE.busy);
    assert.equal(claimThreadLane({ buffer: short.buffer, epoch: 0 }), null);
  });
});
