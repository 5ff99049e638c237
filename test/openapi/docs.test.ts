import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { App, oauth2PasswordBearer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { assertValidOpenAPI } from "./assert-valid.js";

const require = createRequire(import.meta.url);
const swaggerDir = path.dirname(require.resolve("swagger-ui-dist/package.json"));
const redocDir = path.dirname(require.resolve("redoc/package.json"));

function itemsApp(options: ConstructorParameters<typeof App>[0] = {}) {
  const app = new App({ logger: false, title: "Items", ...options });
  app.get("/items/", function read_items() {
    return [{ name: "Foo" }];
  });
  return app;
}

/** Every URL a page loads or links to, from src/href attributes and url-ish strings in scripts. */
function externalUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:https?:)?\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
}

describe("docs endpoints", () => {
  const client = new TestClient(itemsApp());

  it("/openapi.json is the app's document", async () => {
    const res = await client.get("/openapi.json");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "application/json");
    assert.equal(res.json().paths["/items/"].get.operationId, "read_items_items__get");
    await assertValidOpenAPI(res.json());
  });

  it("/docs is Swagger UI served from the app, with the OAuth2 redirect page configured", async () => {
    const res = await client.get("/docs");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "text/html; charset=utf-8");
    assert.match(res.text, /<title>Items - Swagger UI<\/title>/);
    assert.match(res.text, /src="\/docs-assets\/swagger-ui-bundle\.js"/);
    assert.match(res.text, /href="\/docs-assets\/swagger-ui\.css"/);
    assert.match(res.text, /"url":"\/openapi\.json"/);
    assert.match(res.text, /oauth2RedirectUrl: window\.location\.origin \+ "\/docs\/oauth2-redirect"/);
    assert.deepEqual(externalUrls(res.text), [], "no CDN or other origin");
  });

  it("/docs/oauth2-redirect hands the OAuth2 result back with swagger-ui's own script", async () => {
    const res = await client.get("/docs/oauth2-redirect");
    assert.equal(res.status, 200);
    assert.match(res.text, /src="\/docs-assets\/oauth2-redirect\.js"/);
  });

  it("/redoc is ReDoc served from the app, without Google Fonts", async () => {
    const res = await client.get("/redoc");
    assert.equal(res.status, 200);
    assert.match(res.text, /<redoc spec-url="\/openapi\.json"><\/redoc>/);
    assert.match(res.text, /src="\/docs-assets\/redoc\.standalone\.js"/);
    assert.deepEqual(externalUrls(res.text), []);
  });

  it("the assets are the npm packages' files, with an ETag and 304 on revalidation", async () => {
    for (const [name, file, type] of [
      ["swagger-ui-bundle.js", path.join(swaggerDir, "swagger-ui-bundle.js"), "text/javascript; charset=utf-8"],
      ["swagger-ui.css", path.join(swaggerDir, "swagger-ui.css"), "text/css; charset=utf-8"],
      ["oauth2-redirect.js", path.join(swaggerDir, "oauth2-redirect.js"), "text/javascript; charset=utf-8"],
      ["favicon.png", path.join(swaggerDir, "favicon-32x32.png"), "image/png"],
      ["redoc.standalone.js", path.join(redocDir, "bundles", "redoc.standalone.js"), "text/javascript; charset=utf-8"],
    ] as const) {
      const res = await client.get(`/docs-assets/${name}`);
      assert.equal(res.status, 200, name);
      assert.equal(res.header("content-type"), type);
      if (name === "redoc.standalone.js") {
        // The same file, but for the one logo ReDoc would load from its CDN.
        const original = readFileSync(file, "utf8");
        assert.ok(original.includes("https://cdn.redoc.ly/"));
        assert.equal(res.text, original.replaceAll("https://cdn.redoc.ly/redoc/logo-mini.svg", res.text.match(/data:image\/svg\+xml,[^"]+/)![0]));
        assert.ok(!res.text.includes("cdn.redoc.ly"));
      } else {
        assert.ok(res.body.equals(readFileSync(file)), `${name} is the package's file`);
      }
      const etag = res.header("etag")!;
      assert.match(etag, /^"(swagger-ui-dist|redoc)@\d+\.\d+\.\d+\//);
      const again = await client.get(`/docs-assets/${name}`, { headers: { "if-none-match": etag } });
      assert.equal(again.status, 304);
      assert.equal(again.body.length, 0);
    }
  });

  it("anything else under the assets path is 404, including traversal attempts", async () => {
    for (const url of ["/docs-assets/package.json", "/docs-assets/../package.json", "/docs-assets/%2e%2e/package.json", "/docs-assets/", "/docs-assets/swagger-ui-bundle.js.map"]) {
      assert.equal((await client.get(url)).status, 404, url);
    }
  });

  it("HEAD answers without a body; other methods on a docs page are 405", async () => {
    const head = await client.head("/openapi.json");
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    const post = await client.post("/docs");
    assert.equal(post.status, 405);
    assert.equal(post.header("allow"), "GET, HEAD");
  });

  it("a route of the app at a docs URL wins over the docs", async () => {
    const app = itemsApp();
    app.get("/docs", () => "my own docs");
    assert.equal((await new TestClient(app).get("/docs")).text, '"my own docs"');
  });
});

describe("docs URLs are configurable; null turns them off", () => {
  it("custom URLs", async () => {
    const client = new TestClient(itemsApp({ openapiUrl: "/api/v1/openapi.json", docsUrl: "/documentation", redocUrl: null, docsAssetsUrl: "/static/docs" }));
    assert.equal((await client.get("/api/v1/openapi.json")).status, 200);
    const page = await client.get("/documentation");
    assert.match(page.text, /"url":"\/api\/v1\/openapi\.json"/);
    assert.match(page.text, /src="\/static\/docs\/swagger-ui-bundle\.js"/);
    assert.equal((await client.get("/static/docs/swagger-ui.css")).status, 200);
    for (const url of ["/openapi.json", "/docs", "/redoc", "/docs-assets/swagger-ui.css"]) assert.equal((await client.get(url)).status, 404, url);
  });

  it("openapiUrl: null turns every docs endpoint off", async () => {
    const client = new TestClient(itemsApp({ openapiUrl: null }));
    for (const url of ["/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/docs-assets/swagger-ui.css"]) {
      assert.equal((await client.get(url)).status, 404, url);
    }
  });

  it("docsUrl: null keeps ReDoc and the document; the OAuth2 redirect page goes with Swagger UI", async () => {
    const client = new TestClient(itemsApp({ docsUrl: null }));
    assert.equal((await client.get("/docs")).status, 404);
    assert.equal((await client.get("/docs/oauth2-redirect")).status, 404);
    assert.equal((await client.get("/redoc")).status, 200);
    assert.equal((await client.get("/docs-assets/redoc.standalone.js")).status, 200);
  });

  it("swaggerUiOAuth2RedirectUrl: null leaves it out of the page", async () => {
    const page = await new TestClient(itemsApp({ swaggerUiOAuth2RedirectUrl: null })).get("/docs");
    assert.doesNotMatch(page.text, /oauth2RedirectUrl/);
  });

  it("malformed URLs are refused when the app is created", () => {
    assert.throws(() => itemsApp({ docsUrl: "docs" }), /docsUrl must start with "\/"/);
    assert.throws(() => itemsApp({ openapiUrl: "/openapi.json/" }), /openapiUrl must start/);
  });

  it("Swagger UI parameters and initOAuth reach the page, safely escaped", async () => {
    const app = itemsApp({
      title: "</title><script>alert(1)</script>",
      swaggerUiParameters: { docExpansion: "none", persistAuthorization: true, note: "</script><script>alert(2)</script>" },
      swaggerUiInitOAuth: { clientId: "docs", usePkceWithAuthorizationCodeGrant: true },
    });
    const page = (await new TestClient(app).get("/docs")).text;
    assert.match(page, /"docExpansion":"none","persistAuthorization":true/);
    assert.match(page, /ui\.initOAuth\(\{"clientId":"docs","usePkceWithAuthorizationCodeGrant":true\}\)/);
    assert.doesNotMatch(page, /alert\(1\)<\/script>/);
    assert.doesNotMatch(page, /<script>alert\(2\)/);
    assert.equal(page.match(/<script/g)!.length, 2);
  });
});

describe("a mounted sub-app has its own docs under the prefix", () => {
  function mounted(subOptions: ConstructorParameters<typeof App>[0] = {}) {
    const sub = new App({ logger: false, title: "Sub", ...subOptions });
    sub.get("/sub", function read_sub() {
      return { message: "Hello World from sub API" };
    });
    sub.get("/secure", { deps: { token: oauth2PasswordBearer({ tokenUrl: "token" }) } }, () => 1);
    const app = new App({ logger: false, title: "Main" });
    app.get("/app", function read_main() {
      return { message: "Hello World from main app" };
    });
    app.mount("/subapi", sub);
    return new TestClient(app);
  }

  it("/subapi/openapi.json lists /subapi as its server, and only the sub-app's paths", async () => {
    const client = mounted();
    const document = (await client.get("/subapi/openapi.json")).json();
    assert.deepEqual(document.servers, [{ url: "/subapi" }]);
    assert.deepEqual(Object.keys(document.paths), ["/sub", "/secure"]);
    await assertValidOpenAPI(document);
    const main = (await client.get("/openapi.json")).json();
    assert.deepEqual(Object.keys(main.paths), ["/app"]);
    assert.equal(main.servers, undefined);
  });

  it("/subapi/docs loads the sub-app's document and assets through the prefix", async () => {
    const client = mounted();
    const page = (await client.get("/subapi/docs")).text;
    assert.match(page, /<title>Sub - Swagger UI<\/title>/);
    assert.match(page, /"url":"\/subapi\/openapi\.json"/);
    assert.match(page, /src="\/subapi\/docs-assets\/swagger-ui-bundle\.js"/);
    assert.match(page, /window\.location\.origin \+ "\/subapi\/docs\/oauth2-redirect"/);
    assert.equal((await client.get("/subapi/docs-assets/swagger-ui-bundle.js")).status, 200);
    assert.match((await client.get("/subapi/redoc")).text, /spec-url="\/subapi\/openapi\.json"/);
  });

  it("a server already naming the prefix is not repeated; rootPathInServers: false adds none", async () => {
    const declared = (await mounted({ servers: [{ url: "/subapi" }, { url: "https://api.example.com/subapi" }] }).get("/subapi/openapi.json")).json();
    assert.deepEqual(declared.servers, [{ url: "/subapi" }, { url: "https://api.example.com/subapi" }]);
    const off = (await mounted({ rootPathInServers: false }).get("/subapi/openapi.json")).json();
    assert.equal(off.servers, undefined);
  });
});
