import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { App, RedirectResponse } from "loopwise";
import { TestClient } from "loopwise/testing";

describe("TestClient", () => {
  const app = new App({ logger: false });
  app.post("/echo", async ({ req }) => ({ type: req.headers["content-type"] ?? null, body: await req.text() }));
  app.post("/form", { form: { name: z.string(), n: z.number() } }, ({ form }) => form);
  app.post("/login", ({ res }) => {
    res.setCookie("sid", "s3cr3t");
    return "ok";
  });
  app.get("/whoami", ({ req }) => req.cookies["sid"] ?? null);
  app.post("/logout", ({ res }) => {
    res.deleteCookie("sid");
    return "bye";
  });
  app.post("/see-other", () => new RedirectResponse("/whoami", { status: 303 }));
  app.get("/loop", () => new RedirectResponse("/loop"));
  app.get("/q", ({ req }) => req.query);
  app.get("/first-header", ({ req }) => ({ probe: req.firstHeader("x-probe") ?? null }));

  it("sends JSON, form and raw bodies", async () => {
    const client = new TestClient(app);
    assert.deepEqual((await client.post("/echo", { json: { a: 1 } })).json(), { type: "application/json", body: '{"a":1}' });
    assert.deepEqual((await client.post("/echo", { body: "raw", headers: { "content-type": "text/plain" } })).json(), { type: "text/plain", body: "raw" });
    assert.deepEqual((await client.post("/form", { form: { name: "ann", n: "3" } })).json(), { name: "ann", n: 3 });
  });

  it("reads one header with firstHeader, as over a socket", async () => {
    const client = new TestClient(app);
    assert.deepEqual((await client.get("/first-header", { headers: { "X-Probe": "yes" } })).json(), { probe: "yes" });
    assert.deepEqual((await client.get("/first-header")).json(), { probe: null });
  });

  it("keeps cookies between requests and forgets deleted ones", async () => {
    const client = new TestClient(app);
    await client.post("/login");
    assert.equal((await client.get("/whoami")).json(), "s3cr3t");
    await client.post("/logout");
    assert.equal((await client.get("/whoami")).json(), null);
  });

  it("follows 303 as GET, and stops endless redirect loops", async () => {
    const client = new TestClient(app);
    const res = await client.post("/see-other");
    assert.equal(res.status, 200);
    assert.equal(res.url, "/whoami");
    await assert.rejects(client.get("/loop"), /More than 20 redirects/);
  });

  it("encodes query options, repeating array keys", async () => {
    const res = await new TestClient(app).get("/q?x=0", { query: { a: [1, 2], b: "c d" } });
    assert.deepEqual(res.json(), { x: "0", a: ["1", "2"], b: "c d" });
  });

  it("a form field missing → missing with input null; a form sent as JSON finds no fields", async () => {
    const client = new TestClient(app);
    assert.deepEqual((await client.post("/form", { form: { name: "ann" } })).json(), {
      detail: [{ type: "missing", loc: ["body", "n"], msg: "Field required", input: null }],
    });
    const res = await client.post("/form", { json: { name: "ann", n: 1 } });
    assert.equal(res.status, 422);
    assert.equal(res.json().detail.length, 2);
  });
});
