import { describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { TestClient } from "loopwise/testing";
import { createApp } from "../../examples/crud-auth/app.js";
import { TokenSigner } from "../../examples/crud-auth/tokens.js";
import { assertValidOpenAPI } from "../openapi/assert-valid.js";
import { repoRoot } from "../support/node-bin.js";
import { spawnApp } from "../support/spawn-app.js";

const SECRET = "test-secret";

async function login(client: TestClient, username: string, password: string, scope = "items:read items:write") {
  const res = await client.post("/token", { form: { username, password, scope } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json().token_type, "bearer");
  return { authorization: `Bearer ${res.json().access_token}` };
}

describe("example: authenticated CRUD API", () => {
  it("alice creates, reads, lists, replaces and deletes an item", async () => {
    const client = new TestClient(createApp({ logger: false, secret: SECRET }));
    const alice = await login(client, "alice", "wonderland");
    const created = await client.post("/items/", { json: { name: "Plumbus", price: 9.99 }, headers: alice });
    assert.equal(created.status, 201);
    assert.deepEqual(created.json(), { id: 1, name: "Plumbus", description: null, price: 9.99, owner: "alice" });
    assert.deepEqual((await client.get("/items/1", { headers: alice })).json().name, "Plumbus");
    assert.deepEqual((await client.get("/items/")).json().length, 1);
    const replaced = await client.put("/items/1", { json: { name: "Plumbus XL", description: "Bigger", price: 12 }, headers: alice });
    assert.deepEqual(replaced.json(), { id: 1, name: "Plumbus XL", description: "Bigger", price: 12, owner: "alice" });
    const deleted = await client.delete("/items/1", { headers: alice });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body.length, 0);
    assert.equal((await client.get("/items/1", { headers: alice })).status, 404);
    assert.deepEqual((await client.get("/items/1", { headers: alice })).json(), { detail: "Item 1 not found" });
  });

  it("listing is public and paginated; its parameters are validated", async () => {
    const client = new TestClient(createApp({ logger: false, secret: SECRET }));
    const alice = await login(client, "alice", "wonderland");
    for (const name of ["a", "b", "c"]) await client.post("/items/", { json: { name, price: 1 }, headers: alice });
    assert.deepEqual((await client.get("/items/?skip=1&limit=1")).json().map((item: { name: string }) => item.name), ["b"]);
    const bad = await client.get("/items/?limit=1000");
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.json().detail[0].loc, ["query", "limit"]);
  });

  it("no token, a forged token or an expired one: 401; a wrong password: 400", async () => {
    const client = new TestClient(createApp({ logger: false, secret: SECRET }));
    const none = await client.get("/users/me");
    assert.equal(none.status, 401);
    assert.deepEqual(none.json(), { detail: "Not authenticated" });
    assert.equal(none.header("www-authenticate"), "Bearer");
    const forged = new TokenSigner("another-secret").issue("alice", ["items:read", "items:write"]);
    assert.equal((await client.get("/users/me", { headers: { authorization: `Bearer ${forged}` } })).status, 401);
    const expired = new TokenSigner(SECRET, 60).issue("alice", ["items:read"], Date.now() - 3_600_000);
    const old = await client.get("/users/me", { headers: { authorization: `Bearer ${expired}` } });
    assert.equal(old.status, 401);
    assert.deepEqual(old.json(), { detail: "Could not validate credentials" });
    for (const garbage of ["Bearer ", "Bearer a.b.c", "Bearer %%%", `Bearer ${"x".repeat(100_000)}.y`]) {
      assert.equal((await client.get("/users/me", { headers: { authorization: garbage } })).status, 401, garbage.slice(0, 20));
    }
    const wrong = await client.post("/token", { form: { username: "alice", password: "nope" } });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.json(), { detail: "Incorrect username or password" });
  });

  it("scopes: bob may read but not write; a token gets only the scopes asked for", async () => {
    const client = new TestClient(createApp({ logger: false, secret: SECRET }));
    const bob = await login(client, "bob", "builder");
    const refused = await client.post("/items/", { json: { name: "x", price: 1 }, headers: bob });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.json(), { detail: "Not enough permissions" });
    assert.equal(refused.header("www-authenticate"), 'Bearer scope="items:write"');
    const aliceReadOnly = await login(client, "alice", "wonderland", "items:read");
    assert.equal((await client.post("/items/", { json: { name: "x", price: 1 }, headers: aliceReadOnly })).status, 403);
    assert.deepEqual((await client.get("/users/me", { headers: aliceReadOnly })).json().username, "alice");
  });

  it("a failed request rolls its transaction back: nothing it wrote is kept", async () => {
    const client = new TestClient(createApp({ logger: false, secret: SECRET }));
    const alice = await login(client, "alice", "wonderland");
    await client.post("/items/", { json: { name: "Plumbus", price: 1 }, headers: alice });
    const bad = await client.put("/items/1", { json: { name: "", price: -1 }, headers: alice });
    assert.equal(bad.status, 422);
    const bobAsWriter = await client.put("/items/1", { json: { name: "Stolen", price: 1 }, headers: await login(client, "bob", "builder", "") });
    assert.equal(bobAsWriter.status, 403);
    assert.equal((await client.get("/items/1", { headers: alice })).json().name, "Plumbus");
  });

  it("documents itself: a valid OpenAPI 3.1 document with OAuth2 scopes, and the docs pages", async () => {
    const app = createApp({ logger: false, secret: SECRET });
    const client = new TestClient(app);
    const document = (await client.get("/openapi.json")).json();
    await assertValidOpenAPI(document);
    assert.deepEqual(document.paths["/items/"].post.security, [{ OAuth2PasswordBearer: ["items:write"] }]);
    assert.deepEqual(document.paths["/items/"].get.security, undefined);
    assert.deepEqual(Object.keys(document.paths["/items/{item_id}"].get.responses), ["200", "404", "422"]);
    assert.equal((await client.get("/docs")).status, 200);
    assert.equal((await client.get("/redoc")).status, 200);
  });

  it("runs on its own: `node examples/crud-auth/app.ts` serves the API and its docs", async () => {
    const running = await spawnApp(path.join(repoRoot, "examples/crud-auth/app.ts"), { LOG_LEVEL: "info", TOKEN_SECRET: SECRET });
    try {
      assert.deepEqual(await (await fetch(`${running.url}/health`)).json(), { status: "ok" });
      const docs = await fetch(`${running.url}/docs`);
      assert.equal(docs.status, 200);
      assert.match(await docs.text(), /Inventory - Swagger UI/);
    } finally {
      assert.equal(await running.stop(), 0);
    }
  });
});
