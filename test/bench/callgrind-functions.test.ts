import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { selfCostByFunction } from "../../bench/micro/callgrind-functions.js";

// A callgrind profile in the shape `--dump-instr=yes` writes (positions: instr line), by hand.
const PROFILE = [
  "positions: instr line",
  "events: Ir",
  "fn=(1) 0x0000000028001000",
  "0x28001000 0 100",
  "+4 0 50",
  "cfn=(2) v8::internal::Heap::Allocate",
  "calls=3 0x5000",
  "* 0 9999",
  "+2 * 25",
  "fn=(2)",
  "0x5000 0 300",
  "fn=(3) 0x0000000028002000",
  "0x28002010 0 40",
  "-16 0 2",
  "",
].join("\n");

// Two entries cover 0x28001000: the later line (code space reused) names it.
const PERF_MAP = ["28001000 100 JS:*old file:///app.js:1:1", "28001000 40 JS:+handler file:///app.js:10:3", "28002000 20 Builtin:KeyedStoreIC", "garbage line"].join("\n");

describe("callgrind profile by function", () => {
  it("names generated code from the perf map, native code by callgrind, and leaves calls to their callee", () => {
    const costs = selfCostByFunction(PROFILE, PERF_MAP, 2);
    assert.deepEqual(Object.fromEntries(costs), {
      // 100 + 50 + 25 at 0x28001000..0x28001006, tier mark and position dropped; the call's 9999 skipped.
      "JS:handler file:///app.js": 87.5,
      "v8::internal::Heap::Allocate": 150,
      "Builtin:KeyedStoreIC": 21,
    });
  });

  it("keeps a cost outside every mapped range under the function callgrind named", () => {
    const costs = selfCostByFunction("fn=(7) 0x0000000000000abc\n0xabc 0 10\n", "", 1);
    assert.deepEqual(Object.fromEntries(costs), { "0x0000000000000abc": 10 });
  });
});
