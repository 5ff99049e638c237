// The summary line of `npm run bench -- workers`, which people and CI grep.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { workersLine } from "../../bench/scenarios/workers.js";

describe("workers benchmark summary line", () => {
  it("prints integer req/s and the w2/w1 ratio", () => {
    assert.equal(workersLine(21000.4, 28999.6), "workers: w1=21000 w2=29000 req/s ratio=1.38");
  });

  it("prints n/a rather than a made-up number", () => {
    assert.equal(workersLine(undefined, 1000), "workers: w1=n/a w2=1000 req/s ratio=n/a");
    assert.equal(workersLine(0, 1000), "workers: w1=0 w2=1000 req/s ratio=n/a");
    assert.equal(workersLine(1000, Number.NaN), "workers: w1=1000 w2=n/a req/s ratio=n/a");
  });
});
