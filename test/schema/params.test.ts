// compileParams: reading each location's raw values, wire names, missing/optional/default,
// repeated keys, arrays, hostile keys, async refinements, and collecting every error.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { z } from "zod";
import { compileParams, headerWireName } from "../../src/schema/index.js";
import { issuesOf, queryOf, valueOf } from "./helpers.js";

test("FastAPI's path example: -1 for a non-negative int reports the raw string", () => {
  const path = compileParams("path", { item_id: z.number().int().min(0) });
  assert.deepEqual(issuesOf(path.validate({ item_id: "-1" })), [
    {
      type: "greater_than_equal",
      loc: ["path", "item_id"],
      msg: "Input should be greater than or equal to 0",
      input: "-1",
      ctx: { ge: 0 },
    },
  ]);
  assert.deepEqual(issuesOf(path.validate({ item_id: "item1" })), [
    { type: "int_parsing", loc: ["path", "item_id"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "item1" },
  ]);
  assert.deepEqual(valueOf(path.validate({ item_id: "42" })), { item_id: 42 });
});

test("a missing required parameter is {type: missing, input: null}; every error of every parameter is collected", () => {
  const query = compileParams("query", { q: z.string().min(3), limit: z.int(), page: z.int().min(1), flag: z.boolean() });
  assert.deepEqual(issuesOf(query.validate(queryOf({ q: "fi", page: "0", flag: "maybe" }))), [
    { type: "string_too_short", loc: ["query", "q"], msg: "String should have at least 3 characters", input: "fi", ctx: { min_length: 3 } },
    { type: "missing", loc: ["query", "limit"], msg: "Field required", input: null },
    { type: "greater_than_equal", loc: ["query", "page"], msg: "Input should be greater than or equal to 1", input: "0", ctx: { ge: 1 } },
    { type: "bool_parsing", loc: ["query", "flag"], msg: "Input should be a valid boolean, unable to interpret input", input: "maybe" },
  ]);
});

test("optional parameters are absent keys; defaults are applied; nullable accepts its type", () => {
  const query = compileParams("query", {
    q: z.string().max(50).optional(),
    limit: z.int().default(10),
    skip: z.int().optional().default(0),
    when: z.number().nullable().optional(),
    tags: z.array(z.string()).default([]),
  });
  const value = valueOf(query.validate(queryOf({})));
  assert.deepEqual(value, { limit: 10, skip: 0, tags: [] });
  assert.equal(Object.hasOwn(value, "q"), false);
  assert.deepEqual(valueOf(query.validate(queryOf({ q: "x", limit: "5", when: "2.5" }))), { q: "x", limit: 5, skip: 0, when: 2.5, tags: [] });
  const info = query.params.map(({ name, required }) => [name, required]);
  assert.deepEqual(info, [
    ["q", false],
    ["limit", false],
    ["skip", false],
    ["when", false],
    ["tags", false],
  ]);
});

test("a repeated query key given to a scalar takes the last value; to an array, all of them", () => {
  const query = compileParams("query", { q: z.string(), n: z.int(), ids: z.array(z.int()), names: z.array(z.string()) });
  assert.deepEqual(valueOf(query.validate(queryOf({ q: ["a", "b"], n: ["1", "2"], ids: ["3", "4"], names: ["x", "y"] }))), {
    q: "b",
    n: 2,
    ids: [3, 4],
    names: ["x", "y"],
  });
  // The last value is the one validated and reported.
  assert.deepEqual(issuesOf(query.validate(queryOf({ q: "a", n: ["1", "x"], ids: "5", names: "z" }))), [
    { type: "int_parsing", loc: ["query", "n"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "x" },
  ]);
});

test("a single value given to an array is a one-item list; item errors carry their index", () => {
  const query = compileParams("query", { ids: z.array(z.int().min(0)).min(2) });
  assert.deepEqual(valueOf(query.validate(queryOf({ ids: ["1", "2"] }))), { ids: [1, 2] });
  assert.deepEqual(issuesOf(query.validate(queryOf({ ids: ["1", "x", "2", "y"] }))), [
    { type: "int_parsing", loc: ["query", "ids", 1], msg: "Input should be a valid integer, unable to parse string as an integer", input: "x" },
    { type: "int_parsing", loc: ["query", "ids", 3], msg: "Input should be a valid integer, unable to parse string as an integer", input: "y" },
  ]);
  assert.deepEqual(issuesOf(query.validate(queryOf({ ids: ["-1", "3"] }))), [
    { type: "greater_than_equal", loc: ["query", "ids", 0], msg: "Input should be greater than or equal to 0", input: "-1", ctx: { ge: 0 } },
  ]);
  assert.deepEqual(issuesOf(query.validate(queryOf({ ids: "7" }))), [
    {
      type: "too_short",
      loc: ["query", "ids"],
      msg: "List should have at least 2 items after validation, not 1",
      input: ["7"],
      ctx: { field_type: "List", min_length: 2, actual_length: 1 },
    },
  ]);
});

test("header names: x_token, xToken and 'X-Token' all read x-token; loc uses the wire name", () => {
  assert.equal(headerWireName("x_token"), "x-token");
  assert.equal(headerWireName("xToken"), "x-token");
  assert.equal(headerWireName("X-Token"), "x-token");
  assert.equal(headerWireName("userAgent"), "user-agent");
  assert.equal(headerWireName("contentMD5"), "content-md5");
  assert.equal(headerWireName("ETag"), "etag");
  for (const declared of ["x_token", "xToken", "X-Token"]) {
    const headers = compileParams("header", { [declared]: z.string().min(2) });
    assert.deepEqual(valueOf(headers.validate({ "x-token": "secret" })), { [declared]: "secret" });
    assert.deepEqual(issuesOf(headers.validate({ "x-token": "s" })), [
      { type: "string_too_short", loc: ["header", "x-token"], msg: "String should have at least 2 characters", input: "s", ctx: { min_length: 2 } },
    ]);
    assert.deepEqual(issuesOf(headers.validate({})), [{ type: "missing", loc: ["header", "x-token"], msg: "Field required", input: null }]);
    assert.deepEqual(headers.params.map((p) => [p.name, p.wireName]), [[declared, "x-token"]]);
  }
});

test("headers read from Node's IncomingHttpHeaders, including the set-cookie array", () => {
  const raw: IncomingHttpHeaders = { "user-agent": "curl/8", "set-cookie": ["a=1", "b=2"], "x-count": "3" };
  const headers = compileParams("header", { userAgent: z.string(), setCookie: z.array(z.string()), x_count: z.int() });
  assert.deepEqual(valueOf(headers.validate(raw)), { userAgent: "curl/8", setCookie: ["a=1", "b=2"], x_count: 3 });
});

test("other locations use the declared key as the wire name", () => {
  const cookies = compileParams("cookie", { session_id: z.string(), ads_id: z.string().optional() });
  assert.deepEqual(valueOf(cookies.validate({ session_id: "abc" })), { session_id: "abc" });
  assert.deepEqual(issuesOf(cookies.validate({ "session-id": "abc" })), [
    { type: "missing", loc: ["cookie", "session_id"], msg: "Field required", input: null },
  ]);
});

test("form fields: an empty string counts as not sent, as in FastAPI", () => {
  const form = compileParams("form", { username: z.string(), note: z.string().default("none") });
  assert.deepEqual(issuesOf(form.validate(queryOf({ username: "", note: "" }))), [
    { type: "missing", loc: ["body", "username"], msg: "Field required", input: null },
  ]);
  assert.deepEqual(valueOf(form.validate(queryOf({ username: "ann", note: "" }))), { username: "ann", note: "none" });
  // In the query an empty string is a value.
  const query = compileParams("query", { q: z.string() });
  assert.deepEqual(valueOf(query.validate(queryOf({ q: "" }))), { q: "" });
});

test("hostile keys: __proto__ and inherited names are never read from the prototype", () => {
  const query = compileParams("query", { q: z.string().optional() });
  const hostile = queryOf({ constructor: "y", toString: "z" });
  hostile["__proto__"] = "x"; // an own key: the object has no prototype, hence no __proto__ setter
  assert.equal(Object.getPrototypeOf(hostile), null);
  assert.deepEqual(Object.keys(hostile).sort(), ["__proto__", "constructor", "toString"]);
  assert.deepEqual(valueOf(query.validate(hostile)), {});

  // Declared inherited names on a plain (not null-prototype) object are missing, not functions.
  const path = compileParams("path", { constructor: z.string(), toString: z.string().optional() });
  assert.deepEqual(issuesOf(path.validate({})), [{ type: "missing", loc: ["path", "constructor"], msg: "Field required", input: null }]);

  // A declared __proto__ parameter becomes an own key of the result, not its prototype.
  const shape: Record<string, z.ZodArray<z.ZodInt>> = {};
  Object.defineProperty(shape, "__proto__", { value: z.array(z.int()), enumerable: true });
  const proto = compileParams("query", shape);
  const raw = Object.create(null) as Record<string, string[]>;
  raw["__proto__"] = ["5", "6"];
  const value = valueOf(proto.validate(raw));
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(value, "__proto__")?.value, [5, 6]);
  assert.equal((value as { length?: unknown }).length, undefined);
});

test("hostile values: control characters, lone surrogates and long strings pass through as strings", () => {
  const query = compileParams("query", { s: z.string(), n: z.int().optional() });
  for (const text of ["\u0000\u001f", "\ud800", "a\u2028b", "💥".repeat(1000), "x".repeat(100_000)]) {
    assert.deepEqual(valueOf(query.validate(queryOf({ s: text }))), { s: text });
    assert.equal(issuesOf(query.validate(queryOf({ s: text, n: text })))[0]!.input, text);
  }
});

test("async refinements return a Promise, with errors in declaration order", async () => {
  const taken = new Set(["ann"]);
  const query = compileParams("query", {
    first: z.int(),
    user: z.string().refine(async (name) => !taken.has(name), "username taken"),
    last: z.int(),
  });
  const result = query.validate(queryOf({ first: "x", user: "ann", last: "y" }));
  assert.ok(result instanceof Promise);
  const settled = await result;
  assert.equal(settled.ok, false);
  assert.deepEqual(
    !settled.ok && settled.issues.map((issue) => [issue.type, issue.loc, issue.msg]),
    [
      ["int_parsing", ["query", "first"], "Input should be a valid integer, unable to parse string as an integer"],
      ["value_error", ["query", "user"], "Value error, username taken"],
      ["int_parsing", ["query", "last"], "Input should be a valid integer, unable to parse string as an integer"],
    ],
  );
  assert.deepEqual(await query.validate(queryOf({ first: "1", user: "bob", last: "2" })), { ok: true, value: { first: 1, user: "bob", last: 2 } });
});

test("synchronous schemas never produce a Promise", () => {
  const query = compileParams("query", { a: z.int(), b: z.string().refine((s) => s !== "no", "no") });
  assert.ok(!(query.validate(queryOf({ a: "1", b: "yes" })) instanceof Promise));
  assert.ok(!(query.validate(queryOf({ a: "x", b: "no" })) instanceof Promise));
});

test("params describe each parameter for OpenAPI with its input JSON Schema", () => {
  const query = compileParams("header", { x_token: z.string().max(8), limit: z.int().min(1).default(10) });
  assert.deepEqual(query.params, [
    { name: "x_token", wireName: "x-token", required: true, jsonSchema: { type: "string", maxLength: 8 } },
    { name: "limit", wireName: "limit", required: false, jsonSchema: { default: 10, type: "integer", minimum: 1, maximum: 9007199254740991 } },
  ]);
  assert.ok(Object.isFrozen(query.params));
});
