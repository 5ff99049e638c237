// compileBody: FastAPI's body errors (missing field with the parent as input, absent body,
// non-object body), no coercion, async schemas, no schema at all, and the json_invalid helper.
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { compileBody, jsonInvalid } from "../../src/schema/index.js";
import { issuesOf, valueOf } from "./helpers.js";

const Item = z.object({
  name: z.string(),
  description: z.string().optional(),
  price: z.number().positive(),
  tags: z.array(z.string()).default([]),
});

test("FastAPI's POST /items/ example: a missing price", () => {
  assert.deepEqual(issuesOf(compileBody(Item).validate({ name: "Foo" })), [
    { type: "missing", loc: ["body", "price"], msg: "Field required", input: { name: "Foo" } },
  ]);
});

test("a valid body gets defaults and loses unknown keys", () => {
  assert.deepEqual(valueOf(compileBody(Item).validate({ name: "Foo", price: 1.5, extra: true })), { name: "Foo", price: 1.5, tags: [] });
});

test("bodies are not coerced: JSON strings stay strings", () => {
  assert.deepEqual(issuesOf(compileBody(Item).validate({ name: "Foo", price: "1.5" })), [
    { type: "float_type", loc: ["body", "price"], msg: "Input should be a valid number", input: "1.5" },
  ]);
});

test("an absent body: missing when required, accepted when the schema is optional", () => {
  assert.deepEqual(issuesOf(compileBody(Item).validate(undefined)), [{ type: "missing", loc: ["body"], msg: "Field required", input: null }]);
  assert.deepEqual(compileBody(Item.optional()).validate(undefined), { ok: true, value: undefined });
});

test("a body of the wrong JSON type", () => {
  assert.deepEqual(issuesOf(compileBody(Item).validate([{ name: "Foo" }])), [
    {
      type: "model_attributes_type",
      loc: ["body"],
      msg: "Input should be a valid dictionary or object to extract fields from",
      input: [{ name: "Foo" }],
    },
  ]);
  assert.deepEqual(issuesOf(compileBody(z.array(z.int())).validate({ a: 1 })), [
    { type: "list_type", loc: ["body"], msg: "Input should be a valid list", input: { a: 1 } },
  ]);
});

test("without a schema the body passes through untouched", () => {
  const body = { anything: [1, "two"] };
  const result = compileBody(undefined).validate(body);
  assert.deepEqual(result, { ok: true, value: body });
  assert.equal(!(result instanceof Promise) && result.ok && result.value, body);
});

test("an async schema gives a Promise of the same result shape", async () => {
  const Unique = z.object({ sku: z.string().refine(async (sku) => sku !== "taken", "sku already exists") });
  const pending = compileBody(Unique).validate({ sku: "taken" });
  assert.ok(pending instanceof Promise);
  assert.deepEqual(await pending, {
    ok: false,
    issues: [{ type: "value_error", loc: ["body", "sku"], msg: "Value error, sku already exists", input: "taken", ctx: { error: {} } }],
  });
  assert.deepEqual(await compileBody(Unique).validate({ sku: "new" }), { ok: true, value: { sku: "new" } });
});

test("hostile JSON: prototype keys, deep nesting and odd strings are reported, never followed", () => {
  const Strict = z.strictObject({ name: z.string() });
  const hostile = JSON.parse('{"name":"\\ud800\\u0000","constructor":{"prototype":{"x":1}},"__proto__":[]}');
  assert.deepEqual(
    issuesOf(compileBody(Strict).validate(hostile)).map((issue) => [issue.type, issue.loc]),
    [
      ["extra_forbidden", ["body", "constructor"]],
      ["extra_forbidden", ["body", "__proto__"]],
    ],
  );
  // A missing key named like an Object.prototype member is missing, with the parent as input.
  const Named = z.object({ toString: z.string() });
  assert.deepEqual(issuesOf(compileBody(Named).validate({})), [{ type: "missing", loc: ["body", "toString"], msg: "Field required", input: {} }]);
  let deep: unknown = 1;
  for (let i = 0; i < 200; i++) deep = { child: deep };
  type Tree = { child: Tree | string };
  const TreeSchema: z.ZodType<Tree> = z.object({ child: z.lazy(() => z.union([TreeSchema, z.string()])) });
  const issues = issuesOf(compileBody(TreeSchema).validate(deep));
  assert.ok(issues.length > 0);
  assert.equal(issues[0]!.loc[0], "body");
});

test("jsonInvalid builds FastAPI's json_invalid entry", () => {
  assert.deepEqual(jsonInvalid(10, "Expecting value"), {
    type: "json_invalid",
    loc: ["body", 10],
    msg: "JSON decode error",
    input: {},
    ctx: { error: "Expecting value" },
  });
  assert.deepEqual(jsonInvalid(0, "Expecting property name enclosed in double quotes", "{'a': 1}").input, "{'a': 1}");
});
