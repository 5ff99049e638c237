import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { App } from "loopwise";
import { TestClient } from "loopwise/testing";

const Item = z.object({ name: z.string(), price: z.number(), tags: z.array(z.string()).default([]) });

function makeApp(options: ConstructorParameters<typeof App>[0] = {}) {
  const app = new App({ logger: false, ...options });
  app.get("/items/{item_id}", { path: { item_id: z.number().int().min(0) }, query: { q: z.string().max(5).optional() } }, ({ path, query }) => ({
    item_id: path.item_id,
    q: query.q ?? null,
  }));
  app.post("/items/", { body: Item }, ({ body }) => body);
  app.get("/search", {
    query: { tags: z.array(z.string()).default([]), limit: z.number().int().default(10), active: z.boolean().optional() },
    headers: { x_token: z.string(), "user-agent": z.string().optional() },
    cookies: { session: z.string().optional() },
  }, ({ query, headers, cookies }) => ({ ...query, token: headers.x_token, session: cookies.session ?? null }));
  app.get("/all/{n}", {
    path: { n: z.number() },
    query: { q: z.number() },
    headers: { x_h: z.boolean() },
    cookies: { c: z.number().int() },
  }, () => "unreachable");
  app.post("/all/{n}", { path: { n: z.number() }, query: { q: z.string() }, body: Item }, () => "unreachable");
  return app;
}

describe("parameters and FastAPI-compatible 422s", () => {
  const client = new TestClient(makeApp());

  it("coerces and validates path and query", async () => {
    assert.deepEqual((await client.get("/items/5?q=abc")).json(), { item_id: 5, q: "abc" });
  });

  it("GET /items/item1 → int_parsing, exactly as FastAPI", async () => {
    const res = await client.get("/items/item1");
    assert.equal(res.status, 422);
    assert.deepEqual(res.json(), {
      detail: [{ type: "int_parsing", loc: ["path", "item_id"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "item1" }],
    });
  });

  it("GET /items/-1 with ge=0 → greater_than_equal with the raw input and ctx", async () => {
    const res = await client.get("/items/-1");
    assert.deepEqual(res.json(), {
      detail: [{ type: "greater_than_equal", loc: ["path", "item_id"], msg: "Input should be greater than or equal to 0", input: "-1", ctx: { ge: 0 } }],
    });
  });

  it("POST /items/ with a missing field → missing, input is the parent object", async () => {
    const res = await client.post("/items/", { json: { name: "Foo" } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.json(), { detail: [{ type: "missing", loc: ["body", "price"], msg: "Field required", input: { name: "Foo" } }] });
  });

  it("a valid body is validated and defaults applied", async () => {
    assert.deepEqual((await client.post("/items/", { json: { name: "Foo", price: 1.5 } })).json(), { name: "Foo", price: 1.5, tags: [] });
  });

  it("repeated query keys feed arrays; headers are case-insensitive and underscores read hyphens", async () => {
    const res = await client.get("/search?tags=a&tags=b&limit=3&active=yes", { headers: { "X-Token": "t" }, cookies: { session: "s1" } });
    assert.deepEqual(res.json(), { tags: ["a", "b"], limit: 3, active: true, token: "t", session: "s1" });
  });

  it("a missing header is reported with input null", async () => {
    const res = await client.get("/search");
    assert.deepEqual(res.json(), { detail: [{ type: "missing", loc: ["header", "x-token"], msg: "Field required", input: null }] });
  });

  it("collects every error of every location, in order path, query, header, cookie", async () => {
    const res = await client.get("/all/x?q=y", { headers: { "x-h": "maybe" }, cookies: { c: "1.5" } });
    assert.deepEqual(res.json().detail.map((e: any) => [e.type, e.loc]), [
      ["float_parsing", ["path", "n"]],
      ["float_parsing", ["query", "q"]],
      ["bool_parsing", ["header", "x-h"]],
      ["int_parsing", ["cookie", "c"]],
    ]);
  });

  it("body errors come after the others", async () => {
    const res = await client.post("/all/x", { json: { name: 1, price: 2 } });
    assert.deepEqual(res.json().detail.map((e: any) => e.loc), [["path", "n"], ["query", "q"], ["body", "name"]]);
  });

  it("a missing body is reported at loc body", async () => {
    const res = await client.post("/items/");
    assert.deepEqual(res.json(), { detail: [{ type: "missing", loc: ["body"], msg: "Field required", input: null }] });
  });

  it("the problem+json option carries the same entries under errors", async () => {
    const res = await new TestClient(makeApp({ errorFormat: "problem" })).get("/items/item1");
    assert.equal(res.status, 422);
    assert.equal(res.header("content-type"), "application/problem+json");
    const body = res.json();
    assert.equal(body.status, 422);
    assert.equal(body.title, "Unprocessable Entity");
    assert.deepEqual(body.errors[0].loc, ["path", "item_id"]);
  });
});

describe("JSON bodies, hardened", () => {
  const client = new TestClient(makeApp({ bodyLimit: 1024 }));

  it("broken JSON → 422 json_invalid at the character position", async () => {
    const res = await client.post("/items/", { body: '{"name": }', headers: { "content-type": "application/json" } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.json(), { detail: [{ type: "json_invalid", loc: ["body", 9], msg: "JSON decode error", input: {}, ctx: { error: "Expecting value" } }] });
  });

  it("application/*+json is parsed as JSON", async () => {
    const res = await client.post("/items/", { body: '{"name":"a","price":1}', headers: { "content-type": "application/merge-patch+json" } });
    assert.equal(res.status, 200);
  });

  it("another content type sent to a JSON model → 422 model_attributes_type", async () => {
    const res = await client.post("/items/", { body: "name=Foo", headers: { "content-type": "text/plain" } });
    assert.deepEqual(res.json(), {
      detail: [{ type: "model_attributes_type", loc: ["body"], msg: "Input should be a valid dictionary or object to extract fields from", input: "name=Foo" }],
    });
  });

  it("a non-object JSON body → 422 model_attributes_type", async () => {
    const res = await client.post("/items/", { json: [1, 2] });
    assert.equal(res.json().detail[0].type, "model_attributes_type");
  });

  it("a body over the limit → 413", async () => {
    const res = await client.post("/items/", { json: { name: "x".repeat(2000), price: 1 } });
    assert.equal(res.status, 413);
    assert.match(res.json().detail, /larger than the limit of 1024 bytes/);
  });

  it("__proto__ poisoning → 400, and Object.prototype stays clean", async () => {
    const res = await client.post("/items/", { body: '{"name":"a","price":1,"__proto__":{"polluted":true}}', headers: { "content-type": "application/json" } });
    assert.equal(res.status, 400);
    assert.equal(({} as any).polluted, undefined);
  });

  it("invalid UTF-8 → 400", async () => {
    const res = await client.post("/items/", { body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), headers: { "content-type": "application/json" } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), { detail: "Request body is not valid UTF-8" });
  });

  it("a per-route limit overrides the app's", async () => {
    const app = new App({ logger: false });
    app.post("/small", { body: z.object({ a: z.string() }), bodyLimit: 10 }, ({ body }) => body);
    const res = await new TestClient(app).post("/small", { json: { a: "01234567890" } });
    assert.equal(res.status, 413);
  });
});
