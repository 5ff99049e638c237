import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { App, PlainTextResponse } from "loopwise";
import { TestClient } from "loopwise/testing";

function makeApp() {
  const app = new App({ logger: false });
  app.get("/users/me", () => ({ user: "me" }));
  app.get("/users/{user_id}", { path: { user_id: z.number().int() } }, ({ path }) => ({ user_id: path.user_id }));
  app.get("/files/{file_path:path}", ({ path }) => ({ file_path: path.file_path }));
  app.post("/things", () => ({ created: true }));
  app.get("/things", () => ["a"]);
  app.get("/slash/", () => "with slash");
  app.get("/noslash", () => "without slash");
  app.head("/only-head", ({ res }) => {
    res.headers["x-head"] = "1";
    return null;
  });
  return app;
}

describe("routing over HTTP semantics", () => {
  const client = new TestClient(makeApp());

  it("static routes declared first win over parameter routes", async () => {
    assert.deepEqual((await client.get("/users/me")).json(), { user: "me" });
    assert.deepEqual((await client.get("/users/42")).json(), { user_id: 42 });
  });

  it("the catch-all receives the rest of the path", async () => {
    assert.deepEqual((await client.get("/files/home/johndoe/myfile.txt")).json(), { file_path: "home/johndoe/myfile.txt" });
  });

  it("404 has FastAPI's body", async () => {
    const res = await client.get("/nope");
    assert.equal(res.status, 404);
    assert.deepEqual(res.json(), { detail: "Not Found" });
    assert.equal(res.header("content-type"), "application/json");
  });

  it("405 has FastAPI's body and an Allow header", async () => {
    const res = await client.delete("/things");
    assert.equal(res.status, 405);
    assert.deepEqual(res.json(), { detail: "Method Not Allowed" });
    assert.deepEqual(res.header("allow")?.split(", ").sort(), ["GET", "HEAD", "POST"]);
  });

  it("HEAD is served for every GET, with headers and no body", async () => {
    const get = await client.get("/things");
    const head = await client.head("/things");
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.header("content-length"), get.header("content-length"));
  });

  it("an explicit HEAD route is used when declared", async () => {
    const res = await client.head("/only-head");
    assert.equal(res.header("x-head"), "1");
  });

  it("redirects /x/ → /x with 307, keeping the query", async () => {
    const res = await client.get("/noslash/?a=1&b=2", { followRedirects: false });
    assert.equal(res.status, 307);
    assert.equal(res.header("location"), "/noslash?a=1&b=2");
    const followed = await client.get("/slash?q=1");
    assert.equal(followed.status, 200);
    assert.equal(followed.url, "/slash/?q=1");
    assert.equal(followed.history[0]?.status, 307);
  });

  it("an app can turn slash redirects off", async () => {
    const app = new App({ logger: false, redirectSlashes: false });
    app.get("/x", () => 1);
    assert.equal((await new TestClient(app).get("/x/")).status, 404);
  });

  it("declaration order decides between overlapping routes (FastAPI's rule)", async () => {
    const app = new App({ logger: false });
    app.get("/users/{user_id}", { path: { user_id: z.number().int() } }, ({ path }) => path.user_id);
    app.get("/users/me", () => "me");
    const res = await new TestClient(app).get("/users/me");
    assert.equal(res.status, 422);
    assert.equal(res.json().detail[0].type, "int_parsing");
  });

  it("hostile paths get a clean 404 or 422, never a crash", async () => {
    for (const path of ["/users/%E0%A4%A", "/users/%", "/%00", "/users/" + "9".repeat(5000), "/files/%2e%2e/%2e%2e/etc/passwd"]) {
      const res = await client.get(path);
      assert.ok([200, 404, 422].includes(res.status), `${path} → ${res.status}`);
      assert.doesNotThrow(() => res.json());
    }
  });
});

describe("mount", () => {
  it("serves a sub-app under a prefix with its own routes and middleware", async () => {
    const sub = new App({ logger: false });
    sub.use(async (_req, next) => {
      const res = await next();
      res.headers["x-sub"] = "1";
      return res;
    });
    sub.get("/items/{id}", ({ path, req }) => ({ id: path.id, path: req.path, root: req.rootPath }));
    const app = new App({ logger: false });
    app.get("/v1/own", () => "own route first");
    app.mount("/v1", sub);
    app.mount("/files", (req) => new PlainTextResponse(`file ${req.path}`));
    const client = new TestClient(app);
    const res = await client.get("/v1/items/7");
    assert.deepEqual(res.json(), { id: "7", path: "/items/7", root: "/v1" });
    assert.equal(res.header("x-sub"), "1");
    assert.equal((await client.get("/v1/own")).json(), "own route first");
    assert.deepEqual((await client.get("/v1/nothing")).json(), { detail: "Not Found" });
    assert.equal((await client.get("/files/a/b.txt")).text, "file /a/b.txt");
    assert.equal((await client.get("/filesystem")).status, 404);
  });

  it("rejects malformed prefixes", () => {
    const app = new App({ logger: false });
    for (const bad of ["", "v1", "/v1/", "//"]) assert.throws(() => app.mount(bad, () => new PlainTextResponse("")));
  });
});
