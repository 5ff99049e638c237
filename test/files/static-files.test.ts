import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { App, staticFiles, type RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { rawConnection, serve } from "../streaming/helpers.js";

const root = mkdtempSync(path.join(tmpdir(), "loopwise-static-"));
const pub = path.join(root, "public");
const outside = path.join(root, "outside");
mkdirSync(path.join(pub, "sub"), { recursive: true });
mkdirSync(path.join(pub, ".well-known"), { recursive: true });
mkdirSync(path.join(pub, "empty-dir"), { recursive: true });
mkdirSync(outside, { recursive: true });
writeFileSync(path.join(pub, "index.html"), "<h1>home</h1>");
writeFileSync(path.join(pub, "a.txt"), "file a");
writeFileSync(path.join(pub, "%2e%2e"), "a file literally named %2e%2e");
writeFileSync(path.join(pub, "sub", "index.html"), "<h1>sub</h1>");
writeFileSync(path.join(pub, "sub", "style.css"), "body{}");
writeFileSync(path.join(pub, ".env"), "SECRET=1");
writeFileSync(path.join(pub, ".well-known", "security.txt"), "contact: x");
writeFileSync(path.join(pub, "404.html"), "<h1>not here</h1>");
writeFileSync(path.join(outside, "secret.txt"), "TOP SECRET");
symlinkSync(path.join(outside, "secret.txt"), path.join(pub, "link-out.txt"));
symlinkSync(outside, path.join(pub, "dir-link-out"));
symlinkSync(path.join(pub, "a.txt"), path.join(pub, "link-in.txt"));
symlinkSync("../../outside/secret.txt", path.join(pub, "sub", "relative-out.txt"));

after(() => rmSync(root, { recursive: true, force: true }));

// Each must answer 404 and never the secret: a request path after the /static prefix.
const ESCAPES = [
  "/../outside/secret.txt",
  "/sub/../../outside/secret.txt",
  "/%2e%2e/outside/secret.txt",
  "/%2E%2E/outside/secret.txt",
  "/.%2e/outside/secret.txt",
  "/%2e%2e%2foutside%2fsecret.txt",
  "/..%2foutside%2fsecret.txt",
  "/..%5coutside%5csecret.txt",
  "/..\\outside\\secret.txt",
  "/sub\\..\\..\\outside\\secret.txt",
  "/%252e%252e/outside/secret.txt",
  "/%252e%252e%252foutside%252fsecret.txt",
  `/${encodeURIComponent(path.join(outside, "secret.txt"))}`,
  `/${path.join(outside, "secret.txt")}`,
  `//${path.join(outside, "secret.txt")}`,
  "/a.txt%00.png",
  "/a.txt%00",
  "/%00/../outside/secret.txt",
  "/link-out.txt",
  "/dir-link-out/secret.txt",
  "/sub/relative-out.txt",
  "/%zz",
  "/.env",
  "/sub/%2e%2e/.env",
];

describe("staticFiles", () => {
  const app = new App({ logger: false });
  app.get("/api/hello", () => ({ hello: true }));
  app.mount("/static", staticFiles({ directory: pub, cacheControl: "public, max-age=60" }));
  app.mount("/site", staticFiles({ directory: pub, html: true }));
  app.mount("/app", staticFiles({ directory: pub, spaFallback: "index.html" }));
  const client = new TestClient(app);
  let server: RunningServer;
  before(async () => {
    server = await serve(app);
  });
  after(() => server.close());

  it("serves files with FileResponse's headers, conditional GETs and ranges", async () => {
    const res = await client.get("/static/a.txt");
    assert.equal(res.status, 200);
    assert.equal(res.text, "file a");
    assert.equal(res.header("content-type"), "text/plain; charset=utf-8");
    assert.equal(res.header("cache-control"), "public, max-age=60");
    assert.equal(res.header("content-disposition"), undefined);
    assert.equal((await client.get("/static/a.txt", { headers: { "if-none-match": res.header("etag")! } })).status, 304);
    assert.equal((await client.get("/static/a.txt", { headers: { range: "bytes=0-3" } })).text, "file");
    assert.equal((await client.head("/static/sub/style.css")).header("content-length"), "6");
    const socketRes = await fetch(`${server.url}/static/sub/style.css`);
    assert.equal(socketRes.headers.get("content-type"), "text/css; charset=utf-8");
    assert.equal(await socketRes.text(), "body{}");
  });

  it("routes of the app are matched before the mount", async () => {
    assert.deepEqual((await client.get("/api/hello")).json(), { hello: true });
  });

  it("404 for missing files and directories; 405 for other methods", async () => {
    assert.equal((await client.get("/static/nope.txt")).status, 404);
    assert.deepEqual((await client.get("/static/nope.txt")).json(), { detail: "Not Found" });
    assert.equal((await client.get("/static/sub")).status, 404, "a directory without html mode");
    assert.equal((await client.get("/static")).status, 404);
    const post = await client.post("/static/a.txt");
    assert.equal(post.status, 405);
    assert.equal(post.header("allow"), "GET, HEAD");
  });

  it("a symlink pointing inside the directory is followed", async () => {
    assert.equal((await client.get("/static/link-in.txt")).text, "file a");
  });

  it("a file literally named %2e%2e is reachable through %252e%252e (decoded exactly once)", async () => {
    assert.equal((await client.get("/static/%252e%252e")).text, "a file literally named %2e%2e");
  });

  it(".well-known is served although other dotfiles are not", async () => {
    assert.equal((await client.get("/static/.well-known/security.txt")).text, "contact: x");
  });

  for (const attempt of ESCAPES) {
    it(`never escapes the directory (TestClient): ${JSON.stringify(attempt)}`, async () => {
      for (const prefix of ["/static", "/site"]) {
        const res = await client.get(prefix + attempt);
        assert.equal(res.status, 404, `${prefix}${attempt} → ${res.status}`);
        assert.ok(!res.text.includes("SECRET"));
      }
    });
  }

  it("never escapes the directory over a raw socket either", async () => {
    for (const attempt of ESCAPES) {
      // Spaces and backslashes are sent as is; only what HTTP cannot carry at all is left out.
      const target = `/static${attempt}`;
      if (/[\s]/.test(target)) continue;
      const conn = rawConnection(server.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      await conn.closed;
      const raw = conn.received().toString("latin1");
      assert.ok(!raw.includes("SECRET"), `${target} leaked`);
      assert.match(raw, /^HTTP\/1\.1 (404|400) /, `${target}: ${raw.slice(0, 40)}`);
    }
  });

  it("html mode: index files, a slash redirect for directories, and 404.html", async () => {
    const home = await client.get("/site/");
    assert.equal(home.text, "<h1>home</h1>");
    assert.equal(home.header("content-type"), "text/html; charset=utf-8");
    const redirect = await client.get("/site/sub?x=1", { followRedirects: false });
    assert.equal(redirect.status, 307);
    assert.equal(redirect.header("location"), "/site/sub/?x=1");
    assert.equal((await client.get("/site/sub")).text, "<h1>sub</h1>");
    const missing = await client.get("/site/missing");
    assert.equal(missing.status, 404);
    assert.equal(missing.text, "<h1>not here</h1>");
    assert.equal((await client.get("/site/empty-dir/")).status, 404);
    assert.equal((await client.head("/site/")).body.length, 0);
  });

  it("spaFallback: navigations get index.html, assets still 404", async () => {
    const page = await client.get("/app/users/42", { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    assert.equal(page.status, 200);
    assert.equal(page.text, "<h1>home</h1>");
    assert.equal((await client.get("/app/assets/app.js", { headers: { accept: "*/*" } })).status, 404);
    assert.equal((await client.get("/app/users/42")).status, 404, "no Accept: not a navigation");
    assert.equal((await client.get("/app/a.txt")).text, "file a");
    assert.equal((await client.get("/app/../outside/secret.txt", { headers: { accept: "text/html" } })).status, 404, "an escape attempt is refused, not given the fallback");
  });

  it("refuses a directory that does not exist and a fallback outside the directory", () => {
    assert.throws(() => staticFiles({ directory: path.join(root, "nope") }), /does not exist/);
    assert.throws(() => staticFiles({ directory: pub, spaFallback: "../outside/secret.txt" }), /inside the directory/);
  });
});

describe("staticFiles mounted at the root", () => {
  it("serves a single-page app under every path the app's routes do not take", async () => {
    const app = new App({ logger: false });
    app.get("/api/status", () => ({ ok: true }));
    app.mount("/", staticFiles({ directory: pub, html: true, spaFallback: "index.html" }));
    const client = new TestClient(app);
    assert.deepEqual((await client.get("/api/status")).json(), { ok: true });
    assert.equal((await client.get("/")).text, "<h1>home</h1>");
    assert.equal((await client.get("/a.txt")).text, "file a");
    assert.equal((await client.get("/deep/link", { headers: { accept: "text/html" } })).text, "<h1>home</h1>");
    assert.equal((await client.get("/../outside/secret.txt")).status, 404);
  });
});
