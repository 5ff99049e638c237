// Every zod issue loopwise translates, checked against the exact error pydantic v2 (through
// FastAPI) reports for the equivalent Python model: type, loc, msg, input and ctx.
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { compileBody, type ValidationIssue } from "../../src/schema/index.js";
import { issuesOf } from "./helpers.js";

function bodyIssues(schema: z.ZodType, value: unknown): ValidationIssue[] {
  return issuesOf(compileBody(schema).validate(value));
}

const Item = z.object({ name: z.string(), price: z.number() });

test("missing field: input is the object it is missing from", () => {
  assert.deepEqual(bodyIssues(Item, { name: "Foo" }), [
    { type: "missing", loc: ["body", "price"], msg: "Field required", input: { name: "Foo" } },
  ]);
});

test("missing nested field and missing array item field carry the full loc", () => {
  const schema = z.object({ items: z.array(z.object({ n: z.number() })), owner: z.object({ id: z.number() }) });
  assert.deepEqual(bodyIssues(schema, { items: [{ n: 1 }, {}], owner: {} }), [
    { type: "missing", loc: ["body", "items", 1, "n"], msg: "Field required", input: {} },
    { type: "missing", loc: ["body", "owner", "id"], msg: "Field required", input: {} },
  ]);
});

test("absent required body is missing at ['body'] with input null", () => {
  assert.deepEqual(bodyIssues(Item, undefined), [{ type: "missing", loc: ["body"], msg: "Field required", input: null }]);
});

test("top-level non-object given to an object schema is model_attributes_type", () => {
  for (const value of [5, "text", [1, 2], null, true]) {
    assert.deepEqual(bodyIssues(Item, value), [
      {
        type: "model_attributes_type",
        loc: ["body"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: value,
      },
    ]);
  }
});

test("nested non-object is dict_type; records too", () => {
  const schema = z.object({ owner: z.object({ id: z.number() }), labels: z.record(z.string(), z.string()) });
  assert.deepEqual(bodyIssues(schema, { owner: 5, labels: ["x"] }), [
    { type: "dict_type", loc: ["body", "owner"], msg: "Input should be a valid dictionary", input: 5 },
    { type: "dict_type", loc: ["body", "labels"], msg: "Input should be a valid dictionary", input: ["x"] },
  ]);
});

test("type errors: string_type, int_type, int_from_float, float_type, bool_type, list_type", () => {
  const schema = z.object({
    s: z.string(),
    i: z.int(),
    j: z.number().int(),
    f: z.number(),
    b: z.boolean(),
    l: z.array(z.string()),
  });
  assert.deepEqual(bodyIssues(schema, { s: 5, i: "5", j: 1.5, f: "1.5", b: "yes", l: "x" }), [
    { type: "string_type", loc: ["body", "s"], msg: "Input should be a valid string", input: 5 },
    { type: "int_type", loc: ["body", "i"], msg: "Input should be a valid integer", input: "5" },
    { type: "int_from_float", loc: ["body", "j"], msg: "Input should be a valid integer, got a number with a fractional part", input: 1.5 },
    { type: "float_type", loc: ["body", "f"], msg: "Input should be a valid number", input: "1.5" },
    { type: "bool_type", loc: ["body", "b"], msg: "Input should be a valid boolean", input: "yes" },
    { type: "list_type", loc: ["body", "l"], msg: "Input should be a valid list", input: "x" },
  ]);
});

test("other type errors: none_required, tuple_type, set_type, datetime_type, finite_number", () => {
  assert.deepEqual(bodyIssues(z.object({ n: z.null() }), { n: 5 }), [
    { type: "none_required", loc: ["body", "n"], msg: "Input should be None", input: 5 },
  ]);
  assert.deepEqual(bodyIssues(z.tuple([z.string(), z.number()]), "x"), [
    { type: "tuple_type", loc: ["body"], msg: "Input should be a valid tuple", input: "x" },
  ]);
  assert.deepEqual(bodyIssues(z.set(z.string()), 5), [{ type: "set_type", loc: ["body"], msg: "Input should be a valid set", input: 5 }]);
  assert.deepEqual(bodyIssues(z.object({ at: z.date() }), { at: "yesterday" }), [
    { type: "datetime_type", loc: ["body", "at"], msg: "Input should be a valid datetime", input: "yesterday" },
  ]);
  const [nan] = bodyIssues(z.object({ x: z.number() }), { x: NaN });
  assert.equal(nan!.type, "finite_number");
  assert.equal(nan!.msg, "Input should be a finite number");
});

test("number bounds: greater_than(_equal), less_than(_equal) with Python number formatting", () => {
  const schema = z.object({
    ge: z.number().min(0),
    gt: z.number().gt(0.5),
    lt: z.number().lt(100),
    le: z.number().max(0.00001),
    positive: z.number().positive(),
  });
  assert.deepEqual(bodyIssues(schema, { ge: -1, gt: 0.5, lt: 100, le: 1, positive: 0 }), [
    { type: "greater_than_equal", loc: ["body", "ge"], msg: "Input should be greater than or equal to 0", input: -1, ctx: { ge: 0 } },
    { type: "greater_than", loc: ["body", "gt"], msg: "Input should be greater than 0.5", input: 0.5, ctx: { gt: 0.5 } },
    { type: "less_than", loc: ["body", "lt"], msg: "Input should be less than 100", input: 100, ctx: { lt: 100 } },
    { type: "less_than_equal", loc: ["body", "le"], msg: "Input should be less than or equal to 1e-05", input: 1, ctx: { le: 0.00001 } },
    { type: "greater_than", loc: ["body", "positive"], msg: "Input should be greater than 0", input: 0, ctx: { gt: 0 } },
  ]);
});

test("multiple_of", () => {
  assert.deepEqual(bodyIssues(z.object({ step: z.number().multipleOf(0.5) }), { step: 0.3 }), [
    { type: "multiple_of", loc: ["body", "step"], msg: "Input should be a multiple of 0.5", input: 0.3, ctx: { multiple_of: 0.5 } },
  ]);
});

test("string lengths: string_too_short / string_too_long, singular for 1", () => {
  const schema = z.object({ a: z.string().min(3), b: z.string().max(50), c: z.string().min(1), d: z.string().length(2) });
  assert.deepEqual(bodyIssues(schema, { a: "fi", b: "x".repeat(51), c: "", d: "abc" }), [
    { type: "string_too_short", loc: ["body", "a"], msg: "String should have at least 3 characters", input: "fi", ctx: { min_length: 3 } },
    { type: "string_too_long", loc: ["body", "b"], msg: "String should have at most 50 characters", input: "x".repeat(51), ctx: { max_length: 50 } },
    { type: "string_too_short", loc: ["body", "c"], msg: "String should have at least 1 character", input: "", ctx: { min_length: 1 } },
    { type: "string_too_long", loc: ["body", "d"], msg: "String should have at most 2 characters", input: "abc", ctx: { max_length: 2 } },
  ]);
});

test("list lengths: too_short / too_long with field_type and actual_length", () => {
  const schema = z.object({ few: z.array(z.string()).min(1), many: z.array(z.number()).max(2), one: z.array(z.number()).max(1) });
  assert.deepEqual(bodyIssues(schema, { few: [], many: [1, 2, 3], one: [1, 2] }), [
    {
      type: "too_short",
      loc: ["body", "few"],
      msg: "List should have at least 1 item after validation, not 0",
      input: [],
      ctx: { field_type: "List", min_length: 1, actual_length: 0 },
    },
    {
      type: "too_long",
      loc: ["body", "many"],
      msg: "List should have at most 2 items after validation, not 3",
      input: [1, 2, 3],
      ctx: { field_type: "List", max_length: 2, actual_length: 3 },
    },
    {
      type: "too_long",
      loc: ["body", "one"],
      msg: "List should have at most 1 item after validation, not 2",
      input: [1, 2],
      ctx: { field_type: "List", max_length: 1, actual_length: 2 },
    },
  ]);
  const [tuple] = bodyIssues(z.tuple([z.string(), z.number()]), ["a"]);
  assert.deepEqual(tuple!.ctx, { field_type: "Tuple", min_length: 2, actual_length: 1 });
  assert.equal(tuple!.msg, "Tuple should have at least 2 items after validation, not 1");
});

test("string_pattern_mismatch reports the pattern source, not the regex literal", () => {
  assert.deepEqual(bodyIssues(z.object({ s: z.string().regex(/^a+$/i) }), { s: "b" }), [
    { type: "string_pattern_mismatch", loc: ["body", "s"], msg: "String should match pattern '^a+$'", input: "b", ctx: { pattern: "^a+$" } },
  ]);
  const [prefix] = bodyIssues(z.string().startsWith("a.b"), "x");
  assert.deepEqual(prefix!.ctx, { pattern: "^a\\.b" });
});

test("literal_error vs enum, with Python reprs joined by commas and 'or'", () => {
  assert.deepEqual(bodyIssues(z.object({ l: z.literal("a") }), { l: "b" }), [
    { type: "literal_error", loc: ["body", "l"], msg: "Input should be 'a'", input: "b", ctx: { expected: "'a'" } },
  ]);
  assert.deepEqual(bodyIssues(z.object({ e: z.enum(["a", "b", "c"]) }), { e: "d" }), [
    { type: "enum", loc: ["body", "e"], msg: "Input should be 'a', 'b' or 'c'", input: "d", ctx: { expected: "'a', 'b' or 'c'" } },
  ]);
  const [mixed] = bodyIssues(z.literal(["a", 1, true, null]), "b");
  assert.equal(mixed!.msg, "Input should be 'a', 1, True or None");
  const [two] = bodyIssues(z.enum(["x", "it's"]), "z");
  assert.equal(two!.msg, `Input should be 'x' or "it's"`);
  // An enum behind optional/default wrappers is still an enum.
  const [wrapped] = bodyIssues(z.object({ e: z.enum(["a", "b"]).optional().default("a") }), { e: "c" });
  assert.equal(wrapped!.type, "enum");
});

test("extra_forbidden: one entry per unknown key of a strict object, input = its value", () => {
  const schema = z.object({ inner: z.strictObject({ a: z.number() }) });
  assert.deepEqual(bodyIssues(schema, { inner: { a: 1, b: 2, c: [3] } }), [
    { type: "extra_forbidden", loc: ["body", "inner", "b"], msg: "Extra inputs are not permitted", input: 2 },
    { type: "extra_forbidden", loc: ["body", "inner", "c"], msg: "Extra inputs are not permitted", input: [3] },
  ]);
});

test("extra_forbidden for a __proto__ key parsed from JSON", () => {
  const value = JSON.parse('{"a":1,"__proto__":{"polluted":true}}');
  assert.deepEqual(bodyIssues(z.strictObject({ a: z.number() }), value), [
    { type: "extra_forbidden", loc: ["body", "__proto__"], msg: "Extra inputs are not permitted", input: { polluted: true } },
  ]);
  assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
});

test("uuid_parsing uses the uuid crate's wording; uuid_version for a wrong version", () => {
  assert.deepEqual(bodyIssues(z.object({ id: z.uuid() }), { id: "invalid-uuid" }), [
    {
      type: "uuid_parsing",
      loc: ["body", "id"],
      msg: "Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `i` at 1",
      input: "invalid-uuid",
      ctx: { error: "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `i` at 1" },
    },
  ]);
  const [short] = bodyIssues(z.uuid(), "abc");
  assert.equal(short!.msg, "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 3");
  const [version] = bodyIssues(z.uuidv4(), "00000000-0000-1000-8000-000000000001");
  assert.deepEqual(version, {
    type: "uuid_version",
    loc: ["body"],
    msg: "UUID version 4 expected",
    input: "00000000-0000-1000-8000-000000000001",
    ctx: { expected_version: 4 },
  });
});

test("url_parsing and url_scheme", () => {
  assert.deepEqual(bodyIssues(z.object({ site: z.url() }), { site: "example.com" }), [
    {
      type: "url_parsing",
      loc: ["body", "site"],
      msg: "Input should be a valid URL, relative URL without a base",
      input: "example.com",
      ctx: { error: "relative URL without a base" },
    },
  ]);
  const [empty] = bodyIssues(z.url(), "");
  assert.equal(empty!.msg, "Input should be a valid URL, input is empty");
  assert.deepEqual(bodyIssues(z.httpUrl(), "ftp://example.com/file"), [
    {
      type: "url_scheme",
      loc: ["body"],
      msg: "URL scheme should be 'http' or 'https'",
      input: "ftp://example.com/file",
      ctx: { expected_schemes: "'http' or 'https'" },
    },
  ]);
});

test("email is pydantic's value_error with the email-validator reason", () => {
  assert.deepEqual(bodyIssues(z.object({ email: z.email() }), { email: "foo" }), [
    {
      type: "value_error",
      loc: ["body", "email"],
      msg: "value is not a valid email address: An email address must have an @-sign.",
      input: "foo",
      ctx: { reason: "An email address must have an @-sign." },
    },
  ]);
  const [space] = bodyIssues(z.string().email(), "a b@c.com");
  assert.equal(space!.msg, "value is not a valid email address: The email address contains invalid characters before the @-sign: SPACE.");
});

test("date, datetime and time parsing errors use speedate's wording", () => {
  assert.deepEqual(bodyIssues(z.object({ at: z.iso.datetime() }), { at: "2025/02/27" }), [
    {
      type: "datetime_from_date_parsing",
      loc: ["body", "at"],
      msg: "Input should be a valid datetime or date, invalid date separator, expected `-`",
      input: "2025/02/27",
      ctx: { error: "invalid date separator, expected `-`" },
    },
  ]);
  assert.deepEqual(bodyIssues(z.object({ day: z.iso.date() }), { day: "2020-13-01" }), [
    {
      type: "date_from_datetime_parsing",
      loc: ["body", "day"],
      msg: "Input should be a valid date or datetime, month value is outside expected range of 1-12",
      input: "2020-13-01",
      ctx: { error: "month value is outside expected range of 1-12" },
    },
  ]);
  const [short] = bodyIssues(z.iso.date(), "2020");
  assert.equal(short!.msg, "Input should be a valid date or datetime, input is too short");
  const [time] = bodyIssues(z.iso.time(), "25:00");
  assert.deepEqual(time, {
    type: "time_parsing",
    loc: ["body"],
    msg: "Input should be in a valid time format, hour value is outside expected range of 0-23",
    input: "25:00",
    ctx: { error: "hour value is outside expected range of 0-23" },
  });
});

test("refine / superRefine / z.custom become value_error 'Value error, <message>' with FastAPI's ctx", () => {
  const schema = z.object({
    name: z.string().refine((s) => s === s.trim(), "must not have surrounding spaces"),
    code: z.string().superRefine((s, ctx) => {
      if (s !== "ok") ctx.addIssue({ code: "custom", message: "bad code" });
    }),
    thing: z.custom<string>((v) => typeof v === "string", "need a string"),
  });
  assert.deepEqual(bodyIssues(schema, { name: " x ", code: "no", thing: 5 }), [
    { type: "value_error", loc: ["body", "name"], msg: "Value error, must not have surrounding spaces", input: " x ", ctx: { error: {} } },
    { type: "value_error", loc: ["body", "code"], msg: "Value error, bad code", input: "no", ctx: { error: {} } },
    { type: "value_error", loc: ["body", "thing"], msg: "Value error, need a string", input: 5, ctx: { error: {} } },
  ]);
  const [whole] = bodyIssues(z.object({ a: z.string(), b: z.string() }).refine((o) => o.a === o.b, "must match"), { a: "x", b: "y" });
  assert.deepEqual(whole, { type: "value_error", loc: ["body"], msg: "Value error, must match", input: { a: "x", b: "y" }, ctx: { error: {} } });
});

test("discriminated unions: union_tag_invalid and union_tag_not_found at the union's loc", () => {
  const Pet = z.discriminatedUnion("kind", [z.object({ kind: z.literal("cat"), lives: z.number() }), z.object({ kind: z.literal("dog") })]);
  const schema = z.object({ pet: Pet });
  assert.deepEqual(bodyIssues(schema, { pet: { kind: "cow" } }), [
    {
      type: "union_tag_invalid",
      loc: ["body", "pet"],
      msg: "Input tag 'cow' found using 'kind' does not match any of the expected tags: 'cat', 'dog'",
      input: { kind: "cow" },
      ctx: { discriminator: "'kind'", tag: "cow", expected_tags: "'cat', 'dog'" },
    },
  ]);
  assert.deepEqual(bodyIssues(schema, { pet: { name: "Rex" } }), [
    {
      type: "union_tag_not_found",
      loc: ["body", "pet"],
      msg: "Unable to extract tag using discriminator 'kind'",
      input: { name: "Rex" },
      ctx: { discriminator: "'kind'" },
    },
  ]);
  assert.deepEqual(bodyIssues(schema, { pet: { kind: "cat" } }), [
    { type: "missing", loc: ["body", "pet", "lives"], msg: "Field required", input: { kind: "cat" } },
  ]);
});

test("plain unions list every member's errors, mapped with each member's own schema", () => {
  const schema = z.object({ v: z.union([z.object({ a: z.enum(["x"]) }), z.int()]) });
  assert.deepEqual(bodyIssues(schema, { v: { a: "y" } }), [
    { type: "enum", loc: ["body", "v", "a"], msg: "Input should be 'x'", input: "y", ctx: { expected: "'x'" } },
    { type: "int_type", loc: ["body", "v"], msg: "Input should be a valid integer", input: { a: "y" } },
  ]);
});

test("a record key that fails its schema is reported at [..., key, '[key]'] with the key as input", () => {
  assert.deepEqual(bodyIssues(z.object({ scores: z.record(z.string().min(2), z.number()) }), { scores: { a: 1 } }), [
    {
      type: "string_too_short",
      loc: ["body", "scores", "a", "[key]"],
      msg: "String should have at least 2 characters",
      input: "a",
      ctx: { min_length: 2 },
    },
  ]);
});

test("all errors of all fields are collected, in field order", () => {
  const schema = z.object({ a: z.string(), b: z.number().min(1), c: z.array(z.int()) });
  const issues = bodyIssues(schema, { b: 0, c: [1, "2", 3.5] });
  assert.deepEqual(
    issues.map((issue) => [issue.type, issue.loc]),
    [
      ["missing", ["body", "a"]],
      ["greater_than_equal", ["body", "b"]],
      ["int_type", ["body", "c", 1]],
      ["int_from_float", ["body", "c", 2]],
    ],
  );
});

test("ipv4 and other string formats", () => {
  assert.deepEqual(bodyIssues(z.ipv4(), "1.2.3"), [
    { type: "ip_v4_address", loc: ["body"], msg: "Input is not a valid IPv4 address", input: "1.2.3" },
  ]);
  const [cuid] = bodyIssues(z.cuid(), "x");
  assert.equal(cuid!.type, "string_pattern_mismatch");
  const [base64] = bodyIssues(z.base64(), "!!");
  assert.deepEqual(base64, { type: "value_error", loc: ["body"], msg: "Value error, Invalid base64-encoded string", input: "!!", ctx: { error: {} } });
});

test("non-finite numbers given to an int schema are finite_number", () => {
  assert.deepEqual(bodyIssues(z.object({ n: z.int() }), { n: Infinity }), [
    { type: "finite_number", loc: ["body", "n"], msg: "Input should be a finite number", input: Infinity },
  ]);
});
