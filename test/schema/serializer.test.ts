// The schema-compiled serializer must write exactly what JSON.stringify writes for every value
// a response schema produces, hostile strings and numbers included; and compileResponse must
// validate, fill defaults and drop unknown keys before serializing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { compileNoSchemaSerializer, compileResponse, compileSerializer, toJsonSchema } from "../../src/schema/index.js";

const HOSTILE_STRINGS = [
  "",
  "plain",
  'quote " inside',
  "back\\slash",
  "\\",
  '"',
  "\u0000\u0001\u0007\b\f\n\r\t\u000b\u001f",
  "\u007f\u0080\u009f",
  "\u2028\u2029",
  "\ud800",
  "\udfff",
  "a\ud800b",
  "\udc00\ud800",
  "😀 ok pair",
  "é ü 中文 עברית",
  "</script><script>alert(1)</script>",
  "x".repeat(5000),
];

const HOSTILE_NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, -1.5e-300, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2, NaN, Infinity, -Infinity];

function compiled(schema: z.ZodType): (value: unknown) => string {
  const serialize = compileSerializer(toJsonSchema(schema, "output"));
  assert.ok(serialize, "schema should compile");
  return serialize;
}

function assertSame(serialize: (value: unknown) => string, value: unknown): void {
  assert.equal(serialize(value), JSON.stringify(value) ?? "null", `for ${String(JSON.stringify(value))?.slice(0, 80)}`);
}

test("strings: every hostile string is written as JSON.stringify writes it", () => {
  const serialize = compiled(z.object({ message: z.string() }));
  for (const text of HOSTILE_STRINGS) assertSame(serialize, { message: text });
});

test("numbers: NaN and Infinity become null, -0 becomes 0, exponents as JSON.stringify writes them", () => {
  const serialize = compiled(z.object({ n: z.number(), i: z.int() }));
  for (const n of HOSTILE_NUMBERS) assertSame(serialize, { n, i: n });
});

test("Item: nested arrays, defaults, optional keys left out, booleans and nulls", () => {
  const Item = z.object({
    name: z.string(),
    description: z.string().optional(),
    price: z.number(),
    tags: z.array(z.string()).default([]),
    inStock: z.boolean(),
    rating: z.number().nullable(),
    owner: z.object({ id: z.int(), email: z.string() }).nullable(),
    matrix: z.array(z.array(z.number())),
  });
  const serialize = compiled(Item);
  const samples = [
    { name: "a", price: 1, inStock: true, rating: null, owner: null, matrix: [] },
    { name: 'b"', description: "\u2028", price: 0.1, tags: HOSTILE_STRINGS, inStock: false, rating: 4.5, owner: { id: 1, email: "x@y.z" }, matrix: [[1, 2.5], [], [1e-7]] },
    { name: "c", description: undefined, price: -0, tags: ["\ud800"], inStock: true, rating: 0, owner: { id: -0, email: "" }, matrix: [[1e21]] },
  ];
  for (const sample of samples) {
    const output = Item.parse(sample);
    assertSame(serialize, output);
  }
});

test("values of the wrong type still come out as JSON.stringify writes them", () => {
  const serialize = compiled(z.object({ s: z.string(), n: z.number(), b: z.boolean(), list: z.array(z.string()), o: z.object({ x: z.string() }) }));
  const odd: unknown[] = [
    { s: 1, n: "1", b: "true", list: "x", o: [] },
    { s: null, n: null, b: null, list: null, o: null },
    { s: undefined, n: () => 1, b: Symbol("x"), list: [undefined, () => 1, Symbol("y"), null, 1], o: { x: undefined } },
    { s: new Date(0), n: new Number(5), b: new Boolean(false), list: [new String("boxed")], o: { x: { toJSON: () => "custom" } } },
    { s: "ok", n: 1, b: true, list: Object.assign([1, 2], { extra: 1 }), o: { toJSON: () => ({ replaced: true }) } },
    [1, 2],
    "top-level string",
    42,
    null,
  ];
  for (const value of odd) assertSame(serialize, value);
});

test("integer-like keys are written first, as JavaScript enumerates them", () => {
  const Weird = z.object({ b: z.string(), 10: z.string(), 2: z.string(), a: z.string(), "01": z.string() });
  const serialize = compiled(Weird);
  assertSame(serialize, Weird.parse({ a: "A", b: "B", "01": "x", 10: "ten", 2: "two" }));
});

test("key names needing escapes are quoted as JSON.stringify quotes them", () => {
  const Keys = z.object({ 'a"b': z.string(), "c\\d": z.number(), "\n": z.boolean(), "\u2028": z.string(), "\ud800": z.string() });
  const serialize = compiled(Keys);
  assertSame(serialize, Keys.parse({ 'a"b': "1", "c\\d": 2, "\n": true, "\u2028": "x", "\ud800": "y" }));
});

test("open objects, records, tuples, unions and unrepresentable types fall back to JSON.stringify", () => {
  const Mixed = z.object({
    loose: z.looseObject({ a: z.string() }),
    record: z.record(z.string(), z.number()),
    tuple: z.tuple([z.string(), z.number()]),
    union: z.union([z.string(), z.number()]),
    at: z.date(),
    any: z.any(),
  });
  const serialize = compiled(Mixed);
  assertSame(serialize, Mixed.parse({ loose: { a: "x", extra: [1] }, record: { k: 1 }, tuple: ["a", 1], union: 5, at: new Date(0), any: { deep: [null] } }));
  assert.equal(compileSerializer(toJsonSchema(z.union([z.string(), z.number()]), "output")), undefined);
  assert.equal(compileSerializer({}), undefined);
});

test("random values of an Item-like schema round-trip identically (seeded)", () => {
  const Schema = z.object({ id: z.int(), name: z.string(), score: z.number().nullable(), flags: z.array(z.boolean()), note: z.string().optional() });
  const serialize = compiled(Schema);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const randomString = () => String.fromCharCode(...Array.from({ length: Math.floor(random() * 12) }, () => Math.floor(random() * 0xffff)));
  for (let i = 0; i < 500; i++) {
    const value = Schema.parse({
      id: Math.floor((random() - 0.5) * 1e6),
      name: randomString(),
      score: random() < 0.2 ? null : (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20),
      flags: Array.from({ length: Math.floor(random() * 4) }, () => random() < 0.5),
      ...(random() < 0.5 ? { note: randomString() } : {}),
    });
    assertSame(serialize, value);
  }
});

test("compileResponse validates (defaults, unknown keys dropped) and serializes the output", () => {
  const Item = z.object({ name: z.string(), price: z.number(), tags: z.array(z.string()).default([]) });
  const response = compileResponse(Item);
  const checked = response.validate({ price: 2, name: "Foo", password: "secret" });
  assert.ok(checked.ok);
  assert.equal(response.serialize(checked.value), '{"name":"Foo","price":2,"tags":[]}');
  assert.deepEqual(response.validate({ name: "Foo", price: "2" }), {
    ok: false,
    issues: [{ type: "float_type", loc: ["response", "price"], msg: "Input should be a valid number", input: "2" }],
  });
});

test("compileResponse refuses an async response schema with a clear error", () => {
  const response = compileResponse(z.string().refine(async () => true));
  assert.throws(() => response.validate("x"), /response schemas must be synchronous/);
});

test("routes without a response schema serialize with JSON.stringify, null for undefined", () => {
  const serialize = compileNoSchemaSerializer();
  for (const value of [{ a: [1, "\u2028"] }, "x", 1, null, [undefined]]) assert.equal(serialize(value), JSON.stringify(value));
  assert.equal(serialize(undefined), "null");
});
