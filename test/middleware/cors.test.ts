import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { App, cors, type RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { serve } from "../streaming/helpers.js";

function appWith(options: Parameters<typeof cors>[0]) {
  const app = new App({ logger: false });
  app.use(cors(options));
  app.get("/data", ({ res }) => {
    res.headers["x-total"] = "3";
    return { ok: true };
  });
  app.post("/data", () => ({ posted: true }));
  return app;
}

describe("cors", () => {
  const app = appWith({
    allowOrigins: ["https://app.example.com"],
    allowOriginRegex: /https:\/\/[a-z]+\.preview\.example\.com/,
    allowMethods: ["GET", "POST"],
    allowHeaders: ["X-Token"],
    allowCredentials: true,
    exposeHeaders: ["X-Total"],
    maxAge: 300,
  });
  const client = new TestClient(app);
  let server: RunningServer;
  before(async () => {
    server = await serve(app);
  });
  after(() => server.close());

  it("answers an allowed preflight itself, with the allowed methods, headers and max age", async () => {
    const res = await client.options("/data", {
      headers: { origin: "https://app.example.com", "access-control-request-method": "POST", "access-control-request-headers": "x-token, content-type" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.text, "OK");
    assert.equal(res.header("access-control-allow-origin"), "https://app.example.com");
    assert.equal(res.header("access-control-allow-methods"), "GET, POST");
    assert.equal(res.header("access-control-allow-headers"), "accept, accept-language, content-language, content-type, x-token");
    assert.equal(res.header("access-control-allow-credentials"), "true");
    assert.equal(res.header("access-control-max-age"), "300");
    assert.equal(res.header("vary"), "Origin");
  });

  it("refuses a preflight naming what is not allowed, saying what", async () => {
    const res = await client.options("/data", {
      headers: { origin: "https://evil.example", "access-control-request-method": "DELETE", "access-control-request-headers": "x-other" },
    });
    assert.equal(res.status, 400);
    assert.equal(res.text, "Disallowed CORS origin, method, headers");
    assert.equal(res.header("access-control-allow-origin"), undefined);
  });

  it("adds the allow-origin, credentials and exposed headers to simple requests from allowed origins", async () => {
    const res = await client.get("/data", { headers: { origin: "https://app.example.com" } });
    assert.equal(res.header("access-control-allow-origin"), "https://app.example.com");
    assert.equal(res.header("access-control-allow-credentials"), "true");
    assert.equal(res.header("access-control-expose-headers"), "X-Total");
    assert.equal(res.header("vary"), "Origin");
    const viaRegex = await client.get("/data", { headers: { origin: "https://feature.preview.example.com" } });
    assert.equal(viaRegex.header("access-control-allow-origin"), "https://feature.preview.example.com");
  });

  it("the regex must match the whole origin", async () => {
    for (const origin of ["https://feature.preview.example.com.evil.io", "http://x.https://a.preview.example.com", "https://FEATURE.preview.example.com.x"]) {
      const res = await client.get("/data", { headers: { origin } });
      assert.equal(res.header("access-control-allow-origin"), undefined, origin);
      assert.equal(res.header("vary"), "Origin", "the answer still depends on the origin");
    }
  });

  it("requests without Origin pass through untouched; other origins get no CORS grant", async () => {
    const res = await client.get("/data");
    assert.equal(res.header("access-control-allow-origin"), undefined);
    assert.equal(res.header("vary"), undefined);
    const other = await client.get("/data", { headers: { origin: "https://other.example" } });
    assert.equal(other.status, 200);
    assert.equal(other.header("access-control-allow-origin"), undefined);
    assert.equal(other.header("access-control-allow-credentials"), undefined);
  });

  it("an OPTIONS request without Access-Control-Request-Method is not a preflight", async () => {
    const res = await client.options("/data", { headers: { origin: "https://app.example.com" } });
    assert.equal(res.status, 405);
  });

  it("over a socket", async () => {
    const res = await fetch(`${server.url}/data`, { method: "OPTIONS", headers: { origin: "https://app.example.com", "access-control-request-method": "GET" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), "https://app.example.com");
    const simple = await fetch(`${server.url}/data`, { headers: { origin: "https://app.example.com" } });
    assert.equal(simple.headers.get("access-control-expose-headers"), "X-Total");
  });
});

describe("cors with any origin", () => {
  it("sends * without credentials, and needs no Vary", async () => {
    const client = new TestClient(appWith({ allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"] }));
    const res = await client.get("/data", { headers: { origin: "https://anyone.example" } });
    assert.equal(res.header("access-control-allow-origin"), "*");
    assert.equal(res.header("vary"), undefined);
    const preflight = await client.options("/data", {
      headers: { origin: "https://anyone.example", "access-control-request-method": "PATCH", "access-control-request-headers": "X-Anything, X-Else" },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.header("access-control-allow-origin"), "*");
    assert.equal(preflight.header("access-control-allow-headers"), "X-Anything, X-Else", "any requested header is echoed");
    assert.equal(preflight.header("access-control-allow-methods"), "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
  });

  it("with credentials, names the origin instead of *, as browsers require", async () => {
    const client = new TestClient(appWith({ allowOrigins: ["*"], allowCredentials: true }));
    const res = await client.get("/data", { headers: { origin: "https://anyone.example", cookie: "a=1" } });
    assert.equal(res.header("access-control-allow-origin"), "https://anyone.example");
    assert.equal(res.header("access-control-allow-credentials"), "true");
    assert.equal(res.header("vary"), "Origin");
  });
});
