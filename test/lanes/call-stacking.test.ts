import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { CallClock, SHORT_CALL_MS } from "../../src/lanes/call-clock.js";
import { CallStacking } from "../../src/lanes/call-stacking.js";
import { resolvePoolOptions } from "../../src/lanes/pool-options.js";
import { ThreadCrashError } from "loopwise";
import { exitAtGate, quick, quickAsync, stackingPool } from "./fixtures/stacking.js";

interface FakeThread {
  id: number;
  currentUsage: number;
  isRunningAbortableTask: boolean;
}

const thread = (id: number, currentUsage: number, isRunningAbortableTask = false): FakeThread => ({ id, currentUsage, isRunningAbortableTask });
const plain = { isAbortable: false };

describe("thread lane: stacking short calls (balancer)", () => {
  it("prefers an idle thread, else stacks onto the least busy thread that just ended a call", () => {
    const buffer = CallClock.allocate(2);
    const stacking = new CallStacking(4, buffer);
    const first = CallClock.join(buffer, 11)!;
    const second = CallClock.join(buffer, 12)!;
    first.end(first.begin());
    second.end(second.begin());
    const busy = [thread(11, 3), thread(12, 1)];
    assert.equal(stacking.balance(plain, [...busy, thread(13, 0)])?.id, 13);
    assert.equal(stacking.balance(plain, busy)?.id, 12);
  });

  it("queues instead when every thread holds its limit, when the call or the thread's call has a timeout, or when stacking is off", () => {
    const buffer = CallClock.allocate(2);
    for (const id of [21, 22]) {
      const clock = CallClock.join(buffer, id)!;
      clock.end(clock.begin());
    }
    const stacking = new CallStacking(2, buffer);
    assert.equal(stacking.balance(plain, [thread(21, 2), thread(22, 2)]), null);
    assert.equal(stacking.balance({ isAbortable: true }, [thread(21, 1)]), null);
    assert.equal(stacking.balance(plain, [thread(21, 1, true)]), null);
    assert.equal(new CallStacking(1, buffer).balance(plain, [thread(21, 1)]), null);
    // An idle thread takes even an abortable call.
    assert.equal(stacking.balance({ isAbortable: true }, [thread(21, 1), thread(22, 0)])?.id, 22);
  });

  it("does not stack onto a thread that has ended no call for the short-call time (its call may be slow)", async () => {
    const buffer = CallClock.allocate(1);
    const stuck = CallClock.join(buffer, 31)!;
    const stacking = new CallStacking(4, buffer);
    // Busy with its first call: nothing says that call is short.
    stuck.begin();
    assert.equal(stacking.balance(plain, [thread(31, 1)]), null);
    stuck.end(stuck.begin());
    stuck.begin();
    assert.equal(stacking.balance(plain, [thread(31, 1)])?.id, 31);
    await sleep(SHORT_CALL_MS + 5);
    assert.equal(stacking.balance(plain, [thread(31, 1)]), null);
  });

  it("stops stacking for a while after any thread finished a slow call", () => {
    const buffer = CallClock.allocate(2);
    const slow = CallClock.join(buffer, 41)!;
    const fast = CallClock.join(buffer, 42)!;
    fast.end(fast.begin());
    const stacking = new CallStacking(4, buffer);
    assert.equal(stacking.balance(plain, [thread(42, 1)])?.id, 42);
    // A call that began SHORT_CALL_MS + 1 ms ago ends now: slow.
    slow.end(slow.begin() - SHORT_CALL_MS - 1);
    assert.equal(stacking.balance(plain, [thread(42, 1)]), null);
  });

  it("never stacks onto a thread it cannot see, and frees a destroyed thread's slot", () => {
    const buffer = CallClock.allocate(1); // 6 slots
    const clocks = [51, 52, 53, 54, 55, 56].map((id) => CallClock.join(buffer, id));
    assert.ok(clocks.every((clock) => clock !== undefined));
    assert.equal(CallClock.join(buffer, 57), undefined, "the table is full");
    const stacking = new CallStacking(4, buffer);
    for (const clock of clocks) clock!.end(clock!.begin());
    assert.equal(stacking.balance(plain, [thread(57, 1)]), null);
    stacking.released(51);
    const replacement = CallClock.join(buffer, 57)!;
    replacement.end(replacement.begin());
    assert.equal(stacking.balance(plain, [thread(57, 1)])?.id, 57);
  });

  it("refuses the main thread and bad ids, and checks the option's range", () => {
    const buffer = CallClock.allocate(1);
    assert.throws(() => CallClock.join(buffer, 0), /positive/);
    assert.throws(() => CallClock.join(buffer, -3), /positive/);
    assert.throws(() => CallClock.join(buffer, 1.5), /positive/);
    assert.equal(resolvePoolOptions({}).stackLimit, 8);
    assert.equal(resolvePoolOptions({}).niceIncrement, 12);
    assert.throws(() => resolvePoolOptions({ stackLimit: 0 }), /stackLimit/);
    assert.throws(() => resolvePoolOptions({ stackLimit: 65 }), /stackLimit/);
    assert.throws(() => resolvePoolOptions({ stackLimit: 2.5 }), /stackLimit/);
  });
});

describe("thread lane: stacking short calls (a real pool)", () => {
  after(() => stackingPool.close());

  it("answers every call of a burst correctly, sync and async handlers alike", async () => {
    const numbers = Array.from({ length: 300 }, (_, i) => i);
    const [sync, async] = await Promise.all([
      Promise.all(numbers.map((n) => quick.run(n))),
      Promise.all(numbers.map((n) => quickAsync.run(n))),
    ]);
    assert.deepEqual(sync.map((r) => r.n), numbers);
    assert.equal(new Set(sync.map((r) => r.threadId)).size, 1);
    assert.deepEqual(async, numbers.map((n) => n * 2));
  });

  it("keeps a quick call in the pool's queue, not behind a call that is stuck on the thread", async () => {
    const gate = new Int32Array(new SharedArrayBuffer(4));
    await quick.run(0);
    // Waits at the gate, then kills its thread: a call handed to that thread meanwhile would die with it.
    const stuck = exitAtGate.run(gate);
    // Until the thread has ended no call for the short-call time, a call could be stacked.
    await sleep(SHORT_CALL_MS * 3);
    const waiting = quick.run(1);
    const stats = stackingPool.stats();
    assert.deepEqual({ busy: stats.busy, queued: stats.queued }, { busy: 1, queued: 1 });
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    await assert.rejects(stuck, ThreadCrashError);
    // It waited in the pool's queue and ran on the thread that replaced the dead one.
    assert.equal((await waiting).n, 1);
  });
});
