// Python's number and string printing, as pydantic's messages use it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pythonExpected, pythonNumber, pythonRepr, pythonString } from "../../src/schema/python-repr.js";

test("numbers print as Python ints and floats", () => {
  const table: [number, string][] = [
    [0, "0"],
    [-0, "0"],
    [5, "5"],
    [-3, "-3"],
    [0.5, "0.5"],
    [1.25, "1.25"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [-2e-10, "-2e-10"],
    [1e21, "1000000000000000000000"],
    [9007199254740991, "9007199254740991"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [NaN, "nan"],
  ];
  for (const [value, expected] of table) assert.equal(pythonNumber(value), expected, String(value));
});

test("strings print with Python's repr quoting and escapes", () => {
  const table: [string, string][] = [
    ["a", "'a'"],
    ["", "''"],
    ["it's", `"it's"`],
    [`it's "x"`, `'it\\'s "x"'`],
    ['say "hi"', `'say "hi"'`],
    ["a\\b", "'a\\\\b'"],
    ["line\nbreak\ttab\r", "'line\\nbreak\\ttab\\r'"],
    ["\u0000\u001f\u007f", "'\\x00\\x1f\\x7f'"],
    ["\u00a0", "'\\xa0'"],
    ["\u2028", "'\\u2028'"],
    ["\ud800", "'\\ud800'"],
    ["é😀", "'é😀'"],
  ];
  for (const [value, expected] of table) assert.equal(pythonString(value), expected, JSON.stringify(value));
});

test("reprs of literals and the 'or' list", () => {
  assert.equal(pythonRepr(true), "True");
  assert.equal(pythonRepr(false), "False");
  assert.equal(pythonRepr(null), "None");
  assert.equal(pythonRepr(10n), "10");
  assert.equal(pythonExpected([]), "");
  assert.equal(pythonExpected(["a"]), "'a'");
  assert.equal(pythonExpected(["a", "b"]), "'a' or 'b'");
  assert.equal(pythonExpected(["a", "b", "c"]), "'a', 'b' or 'c'");
  assert.equal(pythonExpected([1, 2.5, true, null]), "1, 2.5, True or None");
});
