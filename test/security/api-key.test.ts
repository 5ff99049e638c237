import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { App, apiKeyCookie, apiKeyHeader, apiKeyQuery } from "loopwise";
import { TestClient } from "loopwise/testing";

function keyApp() {
  const app = new App({ logger: false });
  app.get("/header", { deps: { key: apiKeyHeader({ name: "X-API-Key" }) } }, ({ deps }) => ({ key: deps.key }));
  app.get("/query", { deps: { key: apiKeyQuery({ name: "api_key" }) } }, ({ deps }) => ({ key: deps.key }));
  app.get("/cookie", { deps: { key: apiKeyCookie({ name: "session" }) } }, ({ deps }) => ({ key: deps.key }));
  app.get("/optional", { deps: { key: apiKeyHeader({ name: "X-API-Key", autoError: false }) } }, ({ deps }) => ({ key: deps.key ?? null }));
  return app;
}

describe("API keys in a header, a query parameter, a cookie", () => {
  const client = new TestClient(keyApp());

  it("reads each location (header names case-insensitively)", async () => {
    assert.deepEqual((await client.get("/header", { headers: { "x-api-key": "k1" } })).json(), { key: "k1" });
    assert.deepEqual((await client.get("/query", { query: { api_key: "k2" } })).json(), { key: "k2" });
    assert.deepEqual((await client.get("/cookie", { cookies: { session: "k3" } })).json(), { key: "k3" });
  });

  it("a repeated query key gives the last value", async () => {
    assert.deepEqual((await client.get("/query?api_key=a&api_key=b")).json(), { key: "b" });
  });

  for (const [path, options] of [
    ["/header", {}],
    ["/header", { headers: { "x-api-key": "" } }],
    ["/query", {}],
    ["/query", { query: { api_key: "" } }],
    ["/query?constructor=x&__proto__=y&toString=z", {}],
    ["/cookie", {}],
    ["/cookie", { cookies: { other: "x" } }],
  ] as const) {
    it(`missing or empty key on ${path} ${JSON.stringify(options)} → 401 with WWW-Authenticate: APIKey`, async () => {
      const res = await client.get(path, options as never);
      assert.equal(res.status, 401);
      assert.deepEqual(res.json(), { detail: "Not authenticated" });
      assert.equal(res.header("www-authenticate"), "APIKey");
    });
  }

  it("an inherited property name is not a cookie", async () => {
    const app = new App({ logger: false });
    app.get("/", { deps: { key: apiKeyCookie({ name: "constructor" }) } }, ({ deps }) => ({ key: deps.key }));
    assert.equal((await new TestClient(app).get("/")).status, 401);
  });

  it("autoError: false gives undefined", async () => {
    assert.deepEqual((await client.get("/optional")).json(), { key: null });
    assert.deepEqual((await client.get("/optional", { headers: { "x-api-key": "k" } })).json(), { key: "k" });
  });
});
