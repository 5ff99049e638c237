import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { App, httpBasic, httpBearer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { rawRequest } from "../support/raw-http.js";

const basicHeader = (text: string) => `Basic ${Buffer.from(text).toString("base64")}`;

function basicApp(options: Parameters<typeof httpBasic>[0] = {}) {
  const app = new App({ logger: false });
  app.get("/users/me", { deps: { credentials: httpBasic(options) } }, ({ deps }) => deps.credentials ?? { anonymous: true });
  return app;
}

function assertNotAuthenticated(res: { status: number; json(): unknown; header(name: string): string | undefined }, challenge: string) {
  assert.equal(res.status, 401);
  assert.deepEqual(res.json(), { detail: "Not authenticated" });
  assert.equal(res.header("www-authenticate"), challenge);
}

describe("httpBasic", () => {
  const client = new TestClient(basicApp());

  it("decodes the user name and password", async () => {
    const res = await client.get("/users/me", { headers: { authorization: basicHeader("john:secret") } });
    assert.deepEqual(res.json(), { username: "john", password: "secret" });
  });

  it("keeps everything after the first colon as the password, and UTF-8 names", async () => {
    const res = await client.get("/users/me", { headers: { authorization: basicHeader("jöhn:a:b:") } });
    assert.deepEqual(res.json(), { username: "jöhn", password: "a:b:" });
  });

  it("the scheme name is case-insensitive", async () => {
    const res = await client.get("/users/me", { headers: { authorization: `bAsIc ${Buffer.from("a:b").toString("base64")}` } });
    assert.equal(res.status, 200);
  });

  it("no header → 401 with WWW-Authenticate: Basic", async () => {
    assertNotAuthenticated(await client.get("/users/me"), "Basic");
  });

  for (const [label, header] of [
    ["another scheme", "Bearer abc"],
    ["bad base64", "Basic %%%not-base64%%%"],
    ["base64 with a missing padding", "Basic YWJj"],
    ["no colon in the credentials", basicHeader("johnsecret")],
    ["bytes that are not UTF-8", `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x61]).toString("base64")}`],
    ["an empty value", "Basic "],
    ["the scheme alone", "Basic"],
    ["a NUL-laden value", `Basic ${"\u0000".repeat(10)}`],
  ] as const) {
    it(`${label} → 401 Not authenticated`, async () => {
      assertNotAuthenticated(await client.get("/users/me", { headers: { authorization: header } }), "Basic");
    });
  }

  it("a 1 MiB Authorization header handed in process is refused quickly, not crashed on", async () => {
    const res = await client.get("/users/me", { headers: { authorization: `Basic ${"A".repeat(1024 * 1024 - 1)}=` } });
    assertNotAuthenticated(res, "Basic");
  });

  it("a realm is sent in the challenge, quoted", async () => {
    assertNotAuthenticated(await new TestClient(basicApp({ realm: 'admin "zone"' })).get("/users/me"), 'Basic realm="admin \\"zone\\""');
  });

  it("autoError: false gives undefined when nothing is sent, but malformed credentials still answer 401", async () => {
    const lenient = new TestClient(basicApp({ autoError: false }));
    assert.deepEqual((await lenient.get("/users/me")).json(), { anonymous: true });
    assertNotAuthenticated(await lenient.get("/users/me", { headers: { authorization: "Basic !!!" } }), "Basic");
  });
});

describe("httpBearer", () => {
  const app = new App({ logger: false });
  app.get("/me", { deps: { auth: httpBearer() } }, ({ deps }) => deps.auth);
  app.get("/maybe", { deps: { auth: httpBearer({ autoError: false }) } }, ({ deps }) => ({ auth: deps.auth ?? null }));
  const client = new TestClient(app);

  it("gives the scheme and the token", async () => {
    assert.deepEqual((await client.get("/me", { headers: { authorization: "Bearer abc.def" } })).json(), { scheme: "Bearer", credentials: "abc.def" });
  });

  for (const [label, header] of [
    ["no header", undefined],
    ["an empty bearer", "Bearer "],
    ["the scheme alone", "Bearer"],
    ["another scheme", "Basic abc"],
    ["only spaces", "   "],
  ] as const) {
    it(`${label} → 401 with WWW-Authenticate: Bearer`, async () => {
      const res = await client.get("/me", header === undefined ? {} : { headers: { authorization: header } });
      assertNotAuthenticated(res, "Bearer");
    });
  }

  it("autoError: false gives undefined instead of 401", async () => {
    assert.deepEqual((await client.get("/maybe")).json(), { auth: null });
    assert.deepEqual((await client.get("/maybe", { headers: { authorization: "Basic x" } })).json(), { auth: null });
  });
});

describe("credentials over a real socket", () => {
  it("an Authorization header beyond the server's header limit is refused with 431 before any dependency runs", async () => {
    const app = new App({ logger: false });
    let ran = false;
    app.get("/me", { deps: { auth: httpBearer() } }, () => {
      ran = true;
      return "authenticated";
    });
    const server = await app.serve({ port: 0, handleSignals: false });
    try {
      const reply = await rawRequest(server.port, `GET /me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${"a".repeat(64 * 1024)}\r\n\r\n`);
      assert.match(reply, /^HTTP\/1\.1 431 /);
      assert.equal(ran, false);
      const ok = await fetch(`${server.url}/me`, { headers: { authorization: "Bearer token" } });
      assert.equal(ok.status, 200);
    } finally {
      await server.close();
    }
  });
});
