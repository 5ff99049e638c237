// Coercion of request strings before validation (pydantic's lax mode), driven by the JSON type of
// each parameter's schema: what converts, what is refused with which error, hostile strings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { compileParams } from "../../src/schema/index.js";
import { coerceScalar, NOT_COERCED, planCoercion } from "../../src/schema/coerce.js";
import { issuesOf, queryOf, valueOf } from "./helpers.js";

const INT_PARSING = "Input should be a valid integer, unable to parse string as an integer";
const FLOAT_PARSING = "Input should be a valid number, unable to parse string as a number";
const BOOL_PARSING = "Input should be a valid boolean, unable to interpret input";

const integerTable: [string, number | "int_parsing" | "int_parsing_size"][] = [
  ["42", 42],
  [" 42 ", 42],
  ["\t-7\n", -7],
  ["+3", 3],
  ["0", 0],
  ["-0", -0],
  ["007", 7],
  ["", "int_parsing"],
  [" ", "int_parsing"],
  ["1.0", 1], // pydantic strips an all-zero fraction
  ["12.", 12],
  ["-3.000 ", -3],
  ["1_000", 1000], // single underscores between digits, as in Python literals
  ["1.5", "int_parsing"],
  ["1.01", "int_parsing"],
  ["_1", "int_parsing"],
  ["1_", "int_parsing"],
  ["1__0", "int_parsing"],
  [".0", "int_parsing"],
  ["1e3", "int_parsing"],
  ["0x10", "int_parsing"],
  ["0b1", "int_parsing"],
  ["NaN", "int_parsing"],
  ["Infinity", "int_parsing"],
  ["٣", "int_parsing"], // Arabic-Indic digit three: not an ASCII digit
  ["１２", "int_parsing"], // full-width digits
  ["12abc", "int_parsing"],
  ["- 1", "int_parsing"],
  ["9".repeat(400), "int_parsing_size"],
];

test("integer coercion table", () => {
  const params = compileParams("query", { n: z.number().int() });
  for (const [text, expected] of integerTable) {
    const result = params.validate(queryOf({ n: text }));
    if (typeof expected === "number") {
      assert.deepEqual(valueOf(result), { n: expected }, JSON.stringify(text));
    } else {
      const msg = expected === "int_parsing" ? INT_PARSING : "Unable to parse input string as an integer, exceeded maximum size";
      assert.deepEqual(issuesOf(result), [{ type: expected, loc: ["query", "n"], msg, input: text }], JSON.stringify(text));
    }
  }
});

test("a long digit string within float range becomes a number; zod then bounds it to safe integers", () => {
  const params = compileParams("path", { id: z.int() });
  const text = "1".repeat(30);
  assert.deepEqual(issuesOf(params.validate({ id: text })), [
    {
      type: "less_than_equal",
      loc: ["path", "id"],
      msg: "Input should be less than or equal to 9007199254740991",
      input: text,
      ctx: { le: 9007199254740991 },
    },
  ]);
});

const numberTable: [string, number | null][] = [
  ["1.5", 1.5],
  [" -2.25 ", -2.25],
  ["3", 3],
  [".5", 0.5],
  ["5.", 5],
  ["1e3", 1000],
  ["-1E-2", -0.01],
  ["1_000.5", 1000.5],
  ["", null],
  [" ", null],
  ["1e309", null],
  ["-1e309", null],
  ["inf", null],
  ["Infinity", null],
  ["nan", null],
  ["NaN", null],
  ["0x10", null],
  ["0o7", null],
  ["1,5", null],
  ["٣", null],
  ["1.2.3", null],
  ["1__0", null],
  [".", null],
  ["e5", null],
];

test("number coercion table", () => {
  const params = compileParams("query", { x: z.number() });
  for (const [text, expected] of numberTable) {
    const result = params.validate(queryOf({ x: text }));
    if (expected === null) {
      assert.deepEqual(issuesOf(result), [{ type: "float_parsing", loc: ["query", "x"], msg: FLOAT_PARSING, input: text }], JSON.stringify(text));
    } else {
      assert.deepEqual(valueOf(result), { x: expected }, JSON.stringify(text));
    }
  }
});

const booleanTable: [string, boolean | null][] = [
  ["1", true],
  ["true", true],
  ["TRUE", true],
  ["True", true],
  ["t", true],
  ["yes", true],
  ["Y", true],
  ["on", true],
  ["0", false],
  ["false", false],
  ["f", false],
  ["No", false],
  ["n", false],
  ["OFF", false],
  ["", null],
  ["2", null],
  ["truee", null],
  [" true", null],
  ["null", null],
  ["yes please", null],
];

test("boolean coercion table", () => {
  const params = compileParams("query", { flag: z.boolean() });
  for (const [text, expected] of booleanTable) {
    const result = params.validate(queryOf({ flag: text }));
    if (expected === null) {
      assert.deepEqual(issuesOf(result), [{ type: "bool_parsing", loc: ["query", "flag"], msg: BOOL_PARSING, input: text }], JSON.stringify(text));
    } else {
      assert.deepEqual(valueOf(result), { flag: expected }, JSON.stringify(text));
    }
  }
});

test("strings are never touched", () => {
  const params = compileParams("query", { s: z.string() });
  for (const text of ["", " ", "42", "true", "null", "\u0000", "\ud800", "é", "x".repeat(10_000)]) {
    assert.deepEqual(valueOf(params.validate(queryOf({ s: text }))), { s: text });
  }
});

test("nullable and optional numbers still coerce; 'null' is not null", () => {
  const params = compileParams("query", { a: z.number().nullable(), b: z.int().nullish(), c: z.number().optional() });
  assert.deepEqual(valueOf(params.validate(queryOf({ a: "1.5", b: "2", c: "3" }))), { a: 1.5, b: 2, c: 3 });
  assert.deepEqual(
    issuesOf(params.validate(queryOf({ a: "null", b: "" }))).map((issue) => [issue.type, issue.input]),
    [
      ["float_parsing", "null"],
      ["int_parsing", ""],
    ],
  );
});

test("unions of scalar types: a string member keeps the text, otherwise the first type that parses wins", () => {
  const params = compileParams("query", {
    numOrText: z.union([z.number(), z.string()]),
    intOrBool: z.union([z.int(), z.boolean()]),
  });
  assert.deepEqual(valueOf(params.validate(queryOf({ numOrText: "5", intOrBool: "7" }))), { numOrText: "5", intOrBool: 7 });
  assert.deepEqual(valueOf(params.validate(queryOf({ numOrText: "x", intOrBool: "yes" }))), { numOrText: "x", intOrBool: true });
  assert.deepEqual(issuesOf(params.validate(queryOf({ numOrText: "x", intOrBool: "maybe" }))), [
    { type: "int_parsing", loc: ["query", "intOrBool"], msg: INT_PARSING, input: "maybe" },
  ]);
});

test("literals and enums: the text becomes the literal it spells, else the literal error names the raw text", () => {
  const params = compileParams("query", { size: z.literal([1, 2, 3]), on: z.literal(true), mode: z.enum(["fast", "slow"]) });
  assert.deepEqual(valueOf(params.validate(queryOf({ size: "2", on: "yes", mode: "fast" }))), { size: 2, on: true, mode: "fast" });
  assert.deepEqual(issuesOf(params.validate(queryOf({ size: "4", on: "no", mode: "FAST" }))), [
    { type: "literal_error", loc: ["query", "size"], msg: "Input should be 1, 2 or 3", input: "4", ctx: { expected: "1, 2 or 3" } },
    { type: "literal_error", loc: ["query", "on"], msg: "Input should be True", input: "no", ctx: { expected: "True" } },
    { type: "enum", loc: ["query", "mode"], msg: "Input should be 'fast' or 'slow'", input: "FAST", ctx: { expected: "'fast' or 'slow'" } },
  ]);
});

test("plans read type lists, anyOf, const and local $refs", () => {
  assert.deepEqual(planCoercion({ type: ["integer", "null"] }), { array: false, item: { kind: "integer" } });
  assert.deepEqual(planCoercion({ anyOf: [{ type: "boolean" }, { type: "null" }] }), { array: false, item: { kind: "boolean" } });
  assert.deepEqual(planCoercion({ anyOf: [{ type: "array", items: { type: "number" } }, { type: "null" }] }), {
    array: true,
    item: { kind: "number" },
  });
  assert.deepEqual(planCoercion({ $ref: "#/$defs/N", $defs: { N: { type: "number" } } }), { array: false, item: { kind: "number" } });
  assert.deepEqual(planCoercion({ const: 3 }), { array: false, item: { kind: "literal", values: [3] } });
  assert.deepEqual(planCoercion({}), { array: false, item: { kind: "keep" } });
  assert.deepEqual(planCoercion({ type: "object" }), { array: false, item: { kind: "keep" } });
  // A self-reference does not loop.
  assert.deepEqual(planCoercion({ $ref: "#" }), { array: false, item: { kind: "keep" } });
});

test("coerceScalar refuses hex, binary and empty text for numbers", () => {
  for (const text of ["0x10", "0b101", "", "  ", "Infinity", "1e400"]) {
    assert.equal(coerceScalar({ kind: "number" }, text), NOT_COERCED, JSON.stringify(text));
  }
});
