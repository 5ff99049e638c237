// toJsonSchema for zod v4 schemas: input vs output, unrepresentable types, caching.
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { toJsonSchema } from "../../src/schema/index.js";

const Item = z.object({ name: z.string(), price: z.number().positive(), tags: z.array(z.string()).default([]) });

test("output schema: defaults make keys required; stripped objects are closed; no $schema", () => {
  assert.deepEqual(toJsonSchema(Item), {
    type: "object",
    properties: {
      name: { type: "string" },
      price: { type: "number", exclusiveMinimum: 0 },
      tags: { default: [], type: "array", items: { type: "string" } },
    },
    required: ["name", "price", "tags"],
    additionalProperties: false,
  });
});

test("input schema: keys with defaults are optional", () => {
  const input = toJsonSchema(Item, "input");
  assert.deepEqual(input.required, ["name", "price"]);
  assert.equal(input.$schema, undefined);
});

test("transforms: input and output describe each side of the pipe", () => {
  const Length = z.string().transform((s) => s.length).pipe(z.number());
  assert.deepEqual(toJsonSchema(Length, "input"), { type: "string" });
  assert.deepEqual(toJsonSchema(Length, "output"), { type: "number" });
});

test("types JSON cannot express become {} instead of throwing", () => {
  assert.deepEqual(toJsonSchema(z.object({ at: z.date(), n: z.bigint() })).properties, { at: {}, n: {} });
  assert.deepEqual(toJsonSchema(z.custom<string>(() => true)), {});
});

test("results are cached per schema object and per io", () => {
  assert.equal(toJsonSchema(Item), toJsonSchema(Item, "output"));
  assert.equal(toJsonSchema(Item, "input"), toJsonSchema(Item, "input"));
  assert.notEqual(toJsonSchema(Item, "input"), toJsonSchema(Item, "output"));
});

test("recursive and registered schemas keep their references", () => {
  type Node = { name: string; children: Node[] };
  const Tree: z.ZodType<Node> = z.object({ name: z.string(), get children() { return z.array(Tree); } });
  const tree = toJsonSchema(Tree);
  assert.deepEqual((tree.properties?.["children"] as { items: unknown }).items, { $ref: "#" });
});
