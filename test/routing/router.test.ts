import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { App, depends, HTTPException, Router } from "loopwise";
import { TestClient } from "loopwise/testing";

describe("Router", () => {
  it("serves its routes under its prefix once included (FastAPI's bigger-applications layout)", async () => {
    const app = new App({ logger: false });
    const users = new Router();
    users.get("/users/", () => [{ username: "Rick" }, { username: "Morty" }]);
    users.get("/users/{username}", ({ path }) => ({ username: path.username }));
    const items = new Router({ prefix: "/items", tags: ["items"], responses: { 404: { description: "Not found" } } });
    items.get("/", () => ({ plumbus: { name: "Plumbus" } }));
    items.get("/{item_id}", { path: { item_id: z.string() } }, ({ path }) => {
      if (path.item_id !== "plumbus") throw new HTTPException(404, "Item not found");
      return { name: "Plumbus", item_id: path.item_id };
    });
    app.include(users);
    app.include(items);
    const client = new TestClient(app);
    assert.deepEqual((await client.get("/users/Rick")).json(), { username: "Rick" });
    assert.deepEqual((await client.get("/items/")).json(), { plumbus: { name: "Plumbus" } });
    assert.equal((await client.get("/items/portal")).status, 404);
    assert.deepEqual(
      app.routes.map((route) => route.label),
      ["GET /users/", "GET /users/{username}", "GET /items/", "GET /items/{item_id}"],
    );
  });

  it("a route at \"\" is the prefix itself", async () => {
    const app = new App({ logger: false });
    const items = new Router({ prefix: "/items" });
    items.get("", () => "list");
    app.include(items);
    assert.equal((await new TestClient(app).get("/items")).text, '"list"');
  });

  it("merges tags, dependencies and responses: include options, then router, then route", () => {
    const a = depends(function a() {});
    const b = depends(function b() {});
    const c = depends(function c() {});
    const router = new Router({ prefix: "/r", tags: ["router"], dependencies: [b], responses: { 404: { description: "router 404" }, 418: { description: "teapot" } } });
    router.get("/x", { tags: ["route", "router"], dependencies: [c], responses: { 404: { description: "route 404" } } }, () => 1);
    const app = new App({ logger: false });
    app.include(router, { prefix: "/v1", tags: ["include"], dependencies: [a], deprecated: true });
    const route = app.routes[0]!;
    assert.equal(route.label, "GET /v1/r/x");
    assert.deepEqual(route.options.tags, ["include", "router", "route"]);
    assert.deepEqual(route.options.dependencies, [a, b, c]);
    assert.deepEqual(route.options.responses, { 404: { description: "route 404" }, 418: { description: "teapot" } });
    assert.equal(route.options.deprecated, true);
  });

  it("nests: a router included in a router keeps both prefixes and settings", async () => {
    const order: string[] = [];
    const mark = (name: string) => depends(() => void order.push(name), { useCache: false });
    const inner = new Router({ prefix: "/inner", dependencies: [mark("inner")] });
    inner.get("/{n}", { path: { n: z.number().int() } }, ({ path }) => ({ n: path.n, order: order.splice(0) }));
    const outer = new Router({ prefix: "/outer", dependencies: [mark("outer")], includeInSchema: false });
    outer.include(inner, { prefix: "/mid", dependencies: [mark("include")] });
    const app = new App({ logger: false });
    app.include(outer, { prefix: "/api" });
    const res = await new TestClient(app).get("/api/outer/mid/inner/3");
    assert.deepEqual(res.json(), { n: 3, order: ["outer", "include", "inner"] });
    assert.equal(app.routes[0]!.options.includeInSchema, false);
    assert.deepEqual(Object.keys(app.openapi().paths), []);
  });

  it("routes added to a router after it was included are not served (they were copied)", async () => {
    const app = new App({ logger: false });
    const router = new Router();
    router.get("/before", () => 1);
    app.include(router);
    router.get("/after", () => 2);
    const client = new TestClient(app);
    assert.equal((await client.get("/before")).status, 200);
    assert.equal((await client.get("/after")).status, 404);
  });

  it("refuses prefixes that do not start with / or end with /", () => {
    assert.throws(() => new Router({ prefix: "items" }), /must start with "\/" and not end with "\/"/);
    assert.throws(() => new Router({ prefix: "/items/" }), /must start with "\/"/);
    const app = new App({ logger: false });
    assert.throws(() => app.include(new Router(), { prefix: "/x/" }), /must start with "\/"/);
  });

  it("a route without any path at all is refused when included", () => {
    const router = new Router();
    router.get("", () => 1);
    assert.throws(() => new App({ logger: false }).include(router), /must start with "\/"/);
  });

  it("a router supports every verb, and HEAD on a GET route", async () => {
    const app = new App({ logger: false });
    const router = new Router({ prefix: "/v" });
    for (const verb of ["get", "post", "put", "patch", "delete", "options"] as const) router[verb]("/x", () => verb);
    app.include(router);
    const client = new TestClient(app);
    for (const verb of ["post", "put", "patch", "delete", "options"] as const) assert.equal((await client.request(verb, "/v/x")).text, `"${verb}"`);
    assert.equal((await client.head("/v/x")).status, 200);
  });
});

describe("a mounted sub-app", () => {
  it("keeps its own routes, dependencies and 404s under the mount prefix", async () => {
    const sub = new App({ logger: false, title: "Sub", dependencies: [depends({ headers: { x_sub: z.string() } }, () => undefined)] });
    sub.get("/sub", () => ({ message: "Hello World from sub API" }));
    const app = new App({ logger: false });
    app.get("/app", () => ({ message: "Hello World from main app" }));
    app.mount("/subapi", sub);
    const client = new TestClient(app);
    assert.deepEqual((await client.get("/subapi/sub", { headers: { "x-sub": "1" } })).json(), { message: "Hello World from sub API" });
    assert.equal((await client.get("/subapi/sub")).status, 422);
    assert.equal((await client.get("/app", { headers: { "x-sub": "1" } })).status, 200);
    assert.equal((await client.get("/subapi/app")).status, 404);
  });
});
