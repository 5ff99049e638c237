import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { App, depends, HTTPException, Router } from "loopwise";
import { TestClient } from "loopwise/testing";

function newApp(options: ConstructorParameters<typeof App>[0] = {}) {
  return new App({ logger: false, ...options });
}

describe("dependencies: values, parameters and sub-dependencies", () => {
  it("a dependency's own query parameters are coerced, validated and handed to the handler", async () => {
    const app = newApp();
    const commonParameters = depends(
      { query: { q: z.string().optional(), skip: z.number().int().default(0), limit: z.number().int().default(100) } },
      ({ query }) => query,
    );
    app.get("/items/", { deps: { commons: commonParameters } }, ({ deps }) => deps.commons);
    const client = new TestClient(app);
    assert.deepEqual((await client.get("/items/?q=foo&skip=5&limit=10")).json(), { q: "foo", skip: 5, limit: 10 });
    assert.deepEqual((await client.get("/items/")).json(), { skip: 0, limit: 100 });
    const bad = await client.get("/items/?skip=x");
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.json(), {
      detail: [{ type: "int_parsing", loc: ["query", "skip"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "x" }],
    });
  });

  it("sub-dependencies resolve first and their values reach the dependant (FastAPI's query_or_cookie_extractor)", async () => {
    const app = newApp();
    const queryExtractor = depends({ query: { q: z.string().optional() } }, ({ query }) => query.q);
    const queryOrCookie = depends({ deps: { q: queryExtractor }, cookies: { last_query: z.string().optional() } }, ({ deps, cookies }) =>
      deps.q ?? cookies.last_query ?? null,
    );
    app.get("/items/", { deps: { q: queryOrCookie } }, ({ deps }) => ({ q_or_cookie: deps.q }));
    const client = new TestClient(app);
    assert.deepEqual((await client.get("/items/?q=a")).json(), { q_or_cookie: "a" });
    assert.deepEqual((await client.get("/items/", { cookies: { last_query: "c" } })).json(), { q_or_cookie: "c" });
    assert.deepEqual((await client.get("/items/")).json(), { q_or_cookie: null });
  });

  it("errors of dependencies and of the route come in one 422, dependencies first (FastAPI's order)", async () => {
    const app = newApp();
    const pageDep = depends({ query: { page: z.number().int().min(1) } }, ({ query }) => query.page);
    const tokenDep = depends({ headers: { x_token: z.string() } }, ({ headers }) => headers.x_token);
    app.get("/things/{thing_id}", { path: { thing_id: z.number().int() }, query: { flag: z.boolean() }, deps: { page: pageDep, token: tokenDep } }, () => "unreachable");
    const res = await new TestClient(app).get("/things/abc?page=0&flag=maybe");
    assert.equal(res.status, 422);
    assert.deepEqual(
      res.json().detail.map((issue: { loc: unknown[] }) => issue.loc),
      [["query", "page"], ["header", "x-token"], ["path", "thing_id"], ["query", "flag"]],
    );
  });

  it("a dependency whose sub-dependency failed is skipped, and later dependencies still run", async () => {
    const app = newApp();
    const calls: string[] = [];
    const needsHeader = depends({ headers: { x_a: z.string() } }, () => void calls.push("needsHeader"));
    const parent = depends({ deps: { a: needsHeader } }, () => void calls.push("parent"));
    const later = depends(() => void calls.push("later"));
    app.get("/x", { dependencies: [parent, later] }, () => "unreachable");
    const res = await new TestClient(app).get("/x");
    assert.equal(res.status, 422);
    assert.deepEqual(calls, ["later"]);
  });
});

describe("dependencies: FastAPI's 400-vs-422 rule", () => {
  const verifyToken = depends({ headers: { x_token: z.string() } }, ({ headers }) => {
    if (headers.x_token !== "fake-super-secret-token") throw new HTTPException(400, "X-Token header invalid");
  });
  const verifyKey = depends({ headers: { x_key: z.string() } }, ({ headers }) => {
    if (headers.x_key !== "fake-super-secret-key") throw new HTTPException(400, "X-Key header invalid");
    return headers.x_key;
  });

  for (const order of [[verifyToken, verifyKey], [verifyKey, verifyToken]]) {
    const label = order[0] === verifyToken ? "token first" : "key first";
    it(`X-Token: invalid and no X-Key gives 400 X-Token header invalid, not 422 (${label})`, async () => {
      const app = newApp();
      app.get("/items/", { dependencies: order }, () => [{ item: "Foo" }, { item: "Bar" }]);
      const res = await new TestClient(app).get("/items/", { headers: { "x-token": "invalid" } });
      assert.equal(res.status, 400);
      assert.deepEqual(res.json(), { detail: "X-Token header invalid" });
    });
  }

  it("both headers missing gives one 422 with both errors; both right gives 200", async () => {
    const app = newApp();
    app.get("/items/", { dependencies: [verifyToken, verifyKey] }, () => [{ item: "Foo" }]);
    const client = new TestClient(app);
    const missing = await client.get("/items/");
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.json(), {
      detail: [
        { type: "missing", loc: ["header", "x-token"], msg: "Field required", input: null },
        { type: "missing", loc: ["header", "x-key"], msg: "Field required", input: null },
      ],
    });
    const ok = await client.get("/items/", { headers: { "x-token": "fake-super-secret-token", "x-key": "fake-super-secret-key" } });
    assert.equal(ok.status, 200);
  });
});

describe("dependencies: the per-request cache", () => {
  it("a dependency used twice in one request runs once; each request runs it again", async () => {
    const app = newApp();
    let calls = 0;
    const counter = depends(() => ++calls);
    const a = depends({ deps: { n: counter } }, ({ deps }) => deps.n);
    const b = depends({ deps: { n: counter } }, ({ deps }) => deps.n);
    app.get("/", { deps: { a, b, direct: counter } }, ({ deps }) => deps);
    const client = new TestClient(app);
    assert.deepEqual((await client.get("/")).json(), { a: 1, b: 1, direct: 1 });
    assert.deepEqual((await client.get("/")).json(), { a: 2, b: 2, direct: 2 });
  });

  it("useCache: false runs the dependency again for that use", async () => {
    const app = newApp();
    let calls = 0;
    const counter = depends(() => ++calls);
    app.get("/", { deps: { first: counter, fresh: depends(counter, { useCache: false }), again: counter } }, ({ deps }) => deps);
    assert.deepEqual((await new TestClient(app).get("/")).json(), { first: 1, fresh: 2, again: 1 });
  });

  it("the cache is keyed by the function: two depends() of one function share a value", async () => {
    const app = newApp();
    let calls = 0;
    const count = () => ++calls;
    app.get("/", { deps: { a: depends(count), b: depends(count) } }, ({ deps }) => deps);
    assert.deepEqual((await new TestClient(app).get("/")).json(), { a: 1, b: 1 });
  });
});

describe("dependencies: dependencies lists run app → router → route, in declaration order", () => {
  it("runs every level once, outermost first, before the named deps", async () => {
    const order: string[] = [];
    const mark = (name: string) => depends(function mark() {
      order.push(name);
      return name;
    }, { useCache: false });
    const app = newApp({ dependencies: [mark("app-1"), mark("app-2")] });
    const router = new Router({ prefix: "/r", dependencies: [mark("router")] });
    router.get("/x", { dependencies: [mark("route")], deps: { named: mark("named") } }, () => order.slice());
    app.include(router, { dependencies: [mark("include")] });
    assert.deepEqual((await new TestClient(app).get("/r/x")).json(), ["app-1", "app-2", "include", "router", "route", "named"]);
  });

  it("app-level dependencies run for every route and can refuse a request", async () => {
    const gate = depends({ headers: { x_gate: z.literal("open") } }, () => undefined);
    const app = newApp({ dependencies: [gate] });
    app.get("/a", () => "a");
    const client = new TestClient(app);
    assert.equal((await client.get("/a")).status, 422);
    assert.equal((await client.get("/a", { headers: { "x-gate": "open" } })).text, '"a"');
  });
});

describe("dependencies: the request around them", () => {
  it("a dependency sets a cookie and a header through ctx.res", async () => {
    const app = newApp();
    const session = depends(({ res }) => {
      res.setCookie("seen", "1");
      res.headers["x-from-dep"] = "yes";
      return "s";
    });
    app.get("/", { deps: { session } }, () => ({ ok: true }));
    const res = await new TestClient(app).get("/");
    assert.equal(res.header("x-from-dep"), "yes");
    assert.match(String(res.headers["set-cookie"]), /^seen=1/);
  });

  it("a dependency reads a path parameter of the route", async () => {
    const app = newApp();
    const item = depends({ path: { item_id: z.number().int().positive() } }, ({ path }) => ({ id: path.item_id }));
    app.get("/items/{item_id}", { deps: { item } }, ({ deps }) => deps.item);
    const client = new TestClient(app);
    assert.deepEqual((await client.get("/items/7")).json(), { id: 7 });
    assert.deepEqual((await client.get("/items/-1")).json().detail[0].loc, ["path", "item_id"]);
  });

  it("a dependency declaring a path parameter the route lacks is refused at registration", () => {
    const app = newApp();
    const item = depends({ path: { item_id: z.number() } }, ({ path }) => path.item_id);
    assert.throws(() => app.get("/things/{thing_id}", { deps: { item } }, () => 1), /declares path parameter "item_id", which is not in the path/);
  });

  it("a dependency validates the JSON body the route also reads (the body is read once)", async () => {
    const app = newApp();
    const owner = depends({ body: z.object({ owner: z.string() }) }, ({ body }) => body.owner);
    app.post("/items", { body: z.object({ name: z.string() }), deps: { owner } }, ({ body, deps }) => ({ name: body.name, owner: deps.owner }));
    const client = new TestClient(app);
    assert.deepEqual((await client.post("/items", { json: { name: "n", owner: "o" } })).json(), { name: "n", owner: "o" });
    const missing = await client.post("/items", { json: { name: "n" } });
    assert.deepEqual(missing.json(), { detail: [{ type: "missing", loc: ["body", "owner"], msg: "Field required", input: { name: "n" } }] });
  });

  it("a malformed body is reported before any dependency runs, as FastAPI reads the body first", async () => {
    const app = newApp();
    let ran = false;
    const auth = depends(() => {
      ran = true;
      throw new HTTPException(401, "Not authenticated");
    });
    app.post("/items", { body: z.object({ name: z.string() }), dependencies: [auth] }, () => "unreachable");
    const res = await new TestClient(app).post("/items", { body: "{broken", headers: { "content-type": "application/json" } });
    assert.equal(res.status, 422);
    assert.equal(res.json().detail[0].type, "json_invalid");
    assert.equal(ran, false);
  });

  it("a route and its dependencies cannot mix a JSON body and form fields", () => {
    const app = newApp();
    const fromForm = depends({ form: { a: z.string() } }, ({ form }) => form.a);
    assert.throws(() => app.post("/x", { body: z.object({}), deps: { fromForm } }, () => 1), /both a JSON body and form fields/);
  });

  it("a dependency records its lane (loop by default); a thread-lane one must live in a module pool threads can import", () => {
    assert.equal(depends(() => 1).lane, "loop");
    // Pool threads import the registering module: a test file would run its tests there.
    // (A thread-lane dependency declared in a fixture module runs: test/lanes/thread-route.test.ts.)
    assert.throws(() => depends(() => 1, { lane: "thread" }), /registered in the test file/);
    assert.throws(() => depends({ lane: "thread" }, () => 1), /registered in the test file/);
  });

  it("depends() refuses what is not a function or a dependency", () => {
    assert.throws(() => depends(42 as never), TypeError);
    assert.throws(() => depends({ deps: { x: (() => 1) as never } }, () => 1), /must be made with depends/);
  });
});

describe("dependencies: app.dependencyOverrides", () => {
  it("replaces a dependency everywhere it is used, including inside other dependencies, until cleared", async () => {
    const app = newApp();
    const db = depends(function realDb() {
      return "real";
    });
    const repo = depends({ deps: { db } }, ({ deps }) => `repo(${deps.db})`);
    app.get("/", { deps: { db, repo } }, ({ deps }) => deps);
    const client = new TestClient(app);
    assert.deepEqual((await client.get("/")).json(), { db: "real", repo: "repo(real)" });
    app.dependencyOverrides.set(db, () => "fake");
    assert.deepEqual((await client.get("/")).json(), { db: "fake", repo: "repo(fake)" });
    app.dependencyOverrides.clear();
    assert.deepEqual((await client.get("/")).json(), { db: "real", repo: "repo(real)" });
  });

  it("a replacement dependency brings its own parameters, and can be keyed by the function", async () => {
    const app = newApp();
    function commonParameters() {
      return { q: null };
    }
    const commons = depends(commonParameters);
    app.get("/", { deps: { commons } }, ({ deps }) => deps.commons);
    app.dependencyOverrides.set(commonParameters, depends({ query: { q: z.string() } }, ({ query }) => ({ q: query.q, overridden: true })));
    const client = new TestClient(app);
    assert.deepEqual((await client.get("/?q=x")).json(), { q: "x", overridden: true });
    assert.deepEqual((await client.get("/")).json().detail[0].loc, ["query", "q"]);
  });
});
