import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { App, httpsRedirect, processTime, trustedHost, type RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { rawConnection, serve } from "../streaming/helpers.js";

describe("trustedHost", () => {
  const app = new App({ logger: false });
  app.use(trustedHost({ allowedHosts: ["example.com", "*.example.com", "www.shop.test", "[::1]"] }));
  app.get("/", () => ({ ok: true }));
  const client = (host: string) => new TestClient(app, { host, followRedirects: false });
  let server: RunningServer;
  before(async () => {
    server = await serve(app);
  });
  after(() => server.close());

  it("lets listed hosts through, with any port and in any case", async () => {
    for (const host of ["example.com", "EXAMPLE.com:8080", "api.example.com", "a.b.example.com", "[::1]:8000"]) {
      assert.equal((await client(host).get("/")).status, 200, host);
    }
  });

  it("400 Invalid host header for other, malformed or suffix-trick hosts", async () => {
    for (const host of ["evil.com", "example.com.evil.com", "notexample.com", "example.com:99999", "exa mple.com", "", "example.com/x", "[::2]"]) {
      const res = await client(host).get("/");
      assert.equal(res.status, 400, JSON.stringify(host));
      assert.equal(res.text, "Invalid host header");
    }
  });

  it("redirects to www. when only the www host is allowed", async () => {
    const res = await client("shop.test:8000").get("/path?q=1");
    assert.equal(res.status, 307);
    assert.equal(res.header("location"), "//www.shop.test:8000/path?q=1");
  });

  it("over a socket, a forged Host is refused", async () => {
    const conn = rawConnection(server.port, "GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
    await conn.closed;
    assert.match(conn.received().toString(), /^HTTP\/1\.1 400 [\s\S]*Invalid host header$/);
    const ok = rawConnection(server.port, "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
    await ok.closed;
    assert.match(ok.received().toString(), /^HTTP\/1\.1 200 /);
  });

  it("rejects wildcards anywhere but a leading *.", () => {
    assert.throws(() => trustedHost({ allowedHosts: ["api.*.com"] }), /leading/);
    assert.throws(() => trustedHost({ allowedHosts: [] }), /at least one/);
  });
});

describe("httpsRedirect", () => {
  it("redirects plain HTTP to the same URL over HTTPS, dropping port 80", async () => {
    const app = new App({ logger: false });
    app.use(httpsRedirect());
    app.get("/x", () => ({ ok: true }));
    const res = await new TestClient(app, { host: "example.com:80", followRedirects: false }).get("/x?a=1&b=%20");
    assert.equal(res.status, 307);
    assert.equal(res.header("location"), "https://example.com/x?a=1&b=%20");
    const port = await new TestClient(app, { host: "example.com:8080", followRedirects: false }).get("/x");
    assert.equal(port.header("location"), "https://example.com:8080/x");
    assert.equal((await new TestClient(app, { host: "bad host", followRedirects: false }).get("/x")).status, 400);
    const server = await serve(app);
    try {
      const conn = rawConnection(server.port, "GET /x HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
      await conn.closed;
      assert.match(conn.received().toString(), /^HTTP\/1\.1 307 [\s\S]*location: https:\/\/example\.com\/x\r\n/i);
    } finally {
      await server.close();
    }
  });

  it("behind a TLS proxy, trusts X-Forwarded-Proto only when told to", async () => {
    const app = new App({ logger: false });
    app.use(httpsRedirect({ trustProxyHeaders: true, status: 308 }));
    app.get("/x", () => ({ ok: true }));
    const client = new TestClient(app, { host: "example.com", followRedirects: false });
    assert.equal((await client.get("/x", { headers: { "x-forwarded-proto": "https" } })).status, 200);
    assert.equal((await client.get("/x", { headers: { "x-forwarded-proto": "HTTPS, http" } })).status, 200);
    const plain = await client.get("/x", { headers: { "x-forwarded-proto": "http" } });
    assert.equal(plain.status, 308);
    const untrusting = new App({ logger: false });
    untrusting.use(httpsRedirect());
    untrusting.get("/x", () => ({ ok: true }));
    const forged = await new TestClient(untrusting, { host: "example.com", followRedirects: false }).get("/x", { headers: { "x-forwarded-proto": "https" } });
    assert.equal(forged.status, 307, "the header is ignored unless trusted");
  });
});

describe("processTime", () => {
  it("adds X-Process-Time and Server-Timing", async () => {
    const app = new App({ logger: false });
    app.use(processTime());
    app.get("/", () => ({ ok: true }));
    const res = await new TestClient(app).get("/");
    assert.match(res.header("x-process-time")!, /^\d+\.\d{6}$/);
    assert.match(res.header("server-timing")!, /^app;dur=\d+\.\d{3}\b/);
  });
});
