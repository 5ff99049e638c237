import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MainLane } from "../../src/watch/main-lane.js";
import { MainLaneWatch, type MainBlock } from "../../src/watch/main-lane-watch.js";
import { SchedstatReader, type SchedSample } from "../../src/watch/schedstat.js";
import {
  FLAG,
  HEADER,
  LANE,
  MAIN_LANE,
  NO_SCHED,
  clockOffset,
  laneBase,
  monotonicMs,
  readLaneSched,
  sharedBufferSize,
  writeSplitId,
} from "../../src/watch/shared-layout.js";

const THRESHOLD_MS = 250;
const POLL_MS = 25;
const base = laneBase(MAIN_LANE);

/** A shared buffer whose main lane last beat `agoMs` ago, and a watch over it that records what it detects. */
function lane(agoMs: number, counters: { runNs: number; waitNs: number } | null) {
  const view = new Int32Array(new SharedArrayBuffer(sharedBufferSize(0)));
  const epoch = monotonicMs() - 10_000;
  Atomics.store(view, base + LANE.beat, 7);
  Atomics.store(view, base + LANE.beatAt, clockOffset(epoch) - agoMs);
  if (counters === null) view[base + LANE.runHigh] = NO_SCHED;
  else {
    writeSplitId(view, base + LANE.runLow, counters.runNs);
    writeSplitId(view, base + LANE.waitLow, counters.waitNs);
  }
  const detected: MainBlock[] = [];
  const ends: MainBlock[] = [];
  const endSample: SchedSample = { atMs: monotonicMs(), runNs: 9e9, waitNs: 2e9 };
  const watch = new MainLaneWatch({
    view,
    epoch,
    thresholdMs: THRESHOLD_MS,
    stillBlockedAfterMs: 10_000,
    // Only the end of a block samples from the watchdog thread.
    sched: { sample: () => endSample } as unknown as SchedstatReader,
    nextBlockId: () => detected.length + 1,
    events: {
      detected: (block) => detected.push(block),
      stillBlocked: () => {},
      ended: (block) => ends.push(block),
      abandoned: () => {},
    },
  });
  return { view, watch, detected, ends, endSample };
}

describe("main lane watch", () => {
  it("sleeps until the last beat could be a block, and polls every pollMs during one", () => {
    const fresh = lane(0, null);
    const sleep = fresh.watch.nextPollInMs(POLL_MS);
    // Whole-millisecond clock offsets: within a couple of ms of the threshold.
    assert.ok(sleep > THRESHOLD_MS - 3 && sleep <= THRESHOLD_MS + 1, String(sleep));

    const older = lane(200, null);
    const shorter = older.watch.nextPollInMs(POLL_MS);
    assert.ok(shorter > 45 && shorter <= 51, String(shorter));

    const blocked = lane(THRESHOLD_MS + 50, null);
    blocked.watch.poll();
    assert.equal(blocked.detected.length, 1);
    assert.equal(blocked.watch.nextPollInMs(POLL_MS), POLL_MS);
  });

  it("never sleeps less than a millisecond, and polls every pollMs once the heartbeat stops on purpose", () => {
    const overdue = lane(THRESHOLD_MS + 500, null);
    assert.equal(overdue.watch.nextPollInMs(POLL_MS), 1);
    Atomics.or(overdue.view, HEADER.flags, FLAG.stopping);
    assert.equal(overdue.watch.nextPollInMs(POLL_MS), POLL_MS);
    overdue.watch.poll();
    assert.equal(overdue.detected.length, 0, "a stopping heartbeat is not a block");
  });

  it("starts a block's CPU classification from the counters stored with the last beat", () => {
    const { watch, detected, ends, endSample, view } = lane(THRESHOLD_MS + 40, { runNs: 5_000_000_123, waitNs: 7_000_000_456 });
    const before = monotonicMs();
    watch.poll();
    assert.equal(detected.length, 1);
    const start = detected[0]!.schedStart!;
    assert.equal(start.runNs, 5_000_000_123);
    assert.equal(start.waitNs, 7_000_000_456);
    // At the last beat, not at detection.
    assert.ok(start.atMs <= before - THRESHOLD_MS && start.atMs > before - THRESHOLD_MS - 100, `${start.atMs} vs ${before}`);

    Atomics.add(view, base + LANE.beat, 1);
    watch.poll();
    assert.equal(ends.length, 1);
    assert.equal(ends[0]!.end!.sched, endSample);
  });

  it("has no start sample when the main thread stored none", () => {
    const { watch, detected } = lane(THRESHOLD_MS + 40, null);
    watch.poll();
    assert.equal(detected.length, 1);
    assert.equal(detected[0]!.schedStart, null);
  });

  it("the main thread stores its own counters with each beat", (t) => {
    if (!new SchedstatReader(process.pid).available) return t.skip("/proc schedstat not available");
    const view = new Int32Array(new SharedArrayBuffer(sharedBufferSize(0)));
    const mainLane = new MainLane(view, monotonicMs(), () => {});
    assert.equal(readLaneSched(view, base), null, "nothing before the first beat");
    mainLane.start();
    try {
      const first = readLaneSched(view, base)!;
      assert.ok(first.runNs > 0 && first.waitNs >= 0, JSON.stringify(first));
      assert.equal(Atomics.load(view, base + LANE.beat), 1);
    } finally {
      mainLane.stop();
    }
  });
});
