import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RestartBackoff } from "../../src/cli/restart-backoff.js";

describe("RestartBackoff", () => {
  it("doubles with each quick death, up to the maximum", () => {
    const backoff = new RestartBackoff({ baseMs: 100, maxMs: 1000, stableMs: 10_000 });
    assert.deepEqual([undefined, 5, 50, 9_999, undefined, undefined].map((served) => backoff.next(served)), [100, 200, 400, 800, 1000, 1000]);
  });

  it("starts again from the base after a worker that served long enough", () => {
    const backoff = new RestartBackoff({ baseMs: 100, maxMs: 10_000, stableMs: 10_000 });
    backoff.next(undefined);
    backoff.next(undefined);
    assert.equal(backoff.next(10_000), 100);
    assert.equal(backoff.next(1), 200);
  });

  it("never overflows, however long a crash loop lasts", () => {
    const backoff = new RestartBackoff({ baseMs: 100, maxMs: 10_000, stableMs: 10_000 });
    let last = 0;
    for (let i = 0; i < 2000; i++) last = backoff.next(undefined);
    assert.equal(last, 10_000);
  });

  it("rejects nonsense settings", () => {
    for (const settings of [
      { baseMs: -1, maxMs: 10, stableMs: 10 },
      { baseMs: 100, maxMs: 10, stableMs: 10 },
      { baseMs: Number.NaN, maxMs: 10, stableMs: 10 },
      { baseMs: 1, maxMs: 10, stableMs: -5 },
    ]) {
      assert.throws(() => new RestartBackoff(settings), RangeError);
    }
  });
});
