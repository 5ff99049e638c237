import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findJsonSyntaxError } from "../../src/params/json-syntax-error.js";

// Positions and messages as Python's json module reports them (FastAPI's ctx.error).
const cases: [string, number, string][] = [
  ["{bad", 1, "Expecting property name enclosed in double quotes"],
  ['{"a": }', 6, "Expecting value"],
  ['{"a" 1}', 5, "Expecting ':' delimiter"],
  ['{"a": 1 "b": 2}', 8, "Expecting ',' delimiter"],
  ["[1 2]", 3, "Expecting ',' delimiter"],
  ['{"a": 1}x', 8, "Extra data"],
  ['"abc', 0, "Unterminated string starting at"],
  ["tru", 0, "Expecting value"],
  ["", 0, "Expecting value"],
  ["   ", 3, "Expecting value"],
  ['"a\\x"', 2, "Invalid \\escape"],
  ['"a\u0001"', 2, "Invalid control character at"],
  ["NaN", 0, "Expecting value"],
  ["[1,]", 3, "Expecting value"],
  ['{"a":1,}', 7, "Expecting property name enclosed in double quotes"],
  ["01", 1, "Extra data"],
];

describe("findJsonSyntaxError", () => {
  for (const [text, position, message] of cases) {
    it(`${JSON.stringify(text)} → ${message} at ${position}`, () => {
      assert.throws(() => JSON.parse(text));
      assert.deepEqual(findJsonSyntaxError(text), { position, message });
    });
  }

  it("handles deeply nested input without overflowing the stack for typical depths", () => {
    const text = "[".repeat(2000) + "x";
    assert.deepEqual(findJsonSyntaxError(text), { position: 2000, message: "Expecting value" });
  });
});
