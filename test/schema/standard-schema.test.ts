// Non-zod schemas: a Standard Schema written by hand (no library) must work everywhere a zod
// schema does, with its JSON Schema read through the Standard JSON Schema interface.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { StandardJSONSchemaV1, StandardSchemaV1 } from "@standard-schema/spec";
import { compileBody, compileParams, compileResponse, toJsonSchema } from "../../src/schema/index.js";
import { issuesOf, queryOf, valueOf } from "./helpers.js";

type Issue = StandardSchemaV1.Issue;
type Result<T> = StandardSchemaV1.Result<T>;

/** A hand-written schema: Standard Schema validation plus, optionally, Standard JSON Schema. */
function handSchema<T>(
  check: (value: unknown) => Result<T> | Promise<Result<T>>,
  jsonSchema?: Record<string, unknown> | (() => never),
): StandardSchemaV1<unknown, T> & Partial<StandardJSONSchemaV1<unknown, T>> {
  const convert = typeof jsonSchema === "function" ? jsonSchema : () => jsonSchema ?? {};
  return {
    "~standard": {
      version: 1,
      vendor: "hand-written",
      validate: check,
      ...(jsonSchema ? { jsonSchema: { input: convert, output: convert } } : {}),
    },
  } as StandardSchemaV1<unknown, T> & Partial<StandardJSONSchemaV1<unknown, T>>;
}

const fail = (message: string, path?: Issue["path"]): { issues: Issue[] } => ({ issues: [{ message, ...(path ? { path } : {}) }] });

const PositiveInt = handSchema<number>(
  (value) => (typeof value === "number" && Number.isInteger(value) && value > 0 ? { value } : fail("Expected a positive integer")),
  { $schema: "https://json-schema.org/draft/2020-12/schema", type: "integer", exclusiveMinimum: 0 },
);

const OptionalText = handSchema<string | undefined>((value) =>
  value === undefined || typeof value === "string" ? { value: value as string | undefined } : fail("Expected text"),
);

const User = handSchema<{ name: string; age: number }>(
  (value) => {
    if (typeof value !== "object" || value === null) return fail("Expected an object");
    const record = value as Record<string, unknown>;
    const issues: Issue[] = [];
    if (!("name" in record)) issues.push({ message: "name is required", path: ["name"] });
    else if (typeof record["name"] !== "string") issues.push({ message: "name must be text", path: [{ key: "name" }] });
    if (typeof record["age"] !== "number") issues.push({ message: "age must be a number", path: ["age"] });
    return issues.length ? { issues } : { value: { name: record["name"] as string, age: record["age"] as number } };
  },
  { type: "object", properties: { name: { type: "string" }, age: { type: "number" } }, required: ["name", "age"] },
);

test("a hand-written schema's JSON Schema drives coercion of parameters", () => {
  const path = compileParams("path", { id: PositiveInt });
  assert.deepEqual(valueOf(path.validate({ id: "12" })), { id: 12 });
  assert.deepEqual(issuesOf(path.validate({ id: "twelve" })), [
    { type: "int_parsing", loc: ["path", "id"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "twelve" },
  ]);
  assert.deepEqual(issuesOf(path.validate({ id: "-3" })), [
    { type: "value_error", loc: ["path", "id"], msg: "Value error, Expected a positive integer", input: "-3", ctx: { error: {} } },
  ]);
});

test("required is probed once: a schema that accepts undefined is optional", () => {
  const query = compileParams("query", { id: PositiveInt, q: OptionalText });
  assert.deepEqual(
    query.params.map((p) => [p.name, p.required]),
    [
      ["id", true],
      ["q", false],
    ],
  );
  assert.deepEqual(issuesOf(query.validate(queryOf({}))), [{ type: "missing", loc: ["query", "id"], msg: "Field required", input: null }]);
  assert.deepEqual(valueOf(query.validate(queryOf({ id: "1" }))), { id: 1 });
});

test("body issues: paths (plain keys and {key} segments) become locs; an absent key is missing", () => {
  const body = compileBody(User);
  assert.deepEqual(issuesOf(body.validate({ name: 5 })), [
    { type: "value_error", loc: ["body", "name"], msg: "Value error, name must be text", input: 5, ctx: { error: {} } },
    { type: "missing", loc: ["body", "age"], msg: "Field required", input: { name: 5 } },
  ]);
  assert.deepEqual(issuesOf(body.validate(undefined)), [{ type: "missing", loc: ["body"], msg: "Field required", input: null }]);
  assert.deepEqual(issuesOf(body.validate("x")), [
    { type: "value_error", loc: ["body"], msg: "Value error, Expected an object", input: "x", ctx: { error: {} } },
  ]);
  assert.deepEqual(valueOf(body.validate({ name: "Ann", age: 3 })), { name: "Ann", age: 3 });
});

test("an asynchronous hand-written schema", async () => {
  const Slow = handSchema<string>(async (value) => (value === "ok" ? { value } : fail("not ok")));
  const query = compileParams("query", { v: Slow });
  const pending = query.validate(queryOf({ v: "bad" }));
  assert.ok(pending instanceof Promise);
  assert.deepEqual(await pending, {
    ok: false,
    issues: [{ type: "value_error", loc: ["query", "v"], msg: "Value error, not ok", input: "bad", ctx: { error: {} } }],
  });
  assert.deepEqual(await compileBody(Slow).validate("ok"), { ok: true, value: "ok" });
});

test("toJsonSchema reads the Standard JSON Schema interface, drops $schema, and falls back to {}", () => {
  assert.deepEqual(toJsonSchema(PositiveInt, "input"), { type: "integer", exclusiveMinimum: 0 });
  assert.deepEqual(toJsonSchema(OptionalText), {});
  const Throws = handSchema<string>(
    (value) => ({ value: String(value) }),
    () => {
      throw new Error("unsupported target");
    },
  );
  assert.deepEqual(toJsonSchema(Throws), {});
});

test("a hand-written response schema validates and serializes like JSON.stringify", () => {
  const response = compileResponse(User);
  const checked = response.validate({ name: "Ann", age: 3, password: "x" });
  assert.ok(checked.ok);
  assert.equal(response.serialize(checked.value), '{"name":"Ann","age":3}');
  assert.deepEqual(response.validate({ name: "Ann" }), {
    ok: false,
    issues: [{ type: "missing", loc: ["response", "age"], msg: "Field required", input: { name: "Ann" } }],
  });
});
