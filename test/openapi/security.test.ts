import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  App,
  apiKeyCookie,
  apiKeyHeader,
  apiKeyQuery,
  depends,
  httpBasic,
  httpBearer,
  oauth2AuthorizationCodeBearer,
  oauth2PasswordBearer,
  oauth2PasswordRequestForm,
  security,
} from "loopwise";
import { assertValidOpenAPI } from "./assert-valid.js";

describe("OpenAPI: security schemes and requirements", () => {
  it("every helper is a security scheme, with FastAPI's names and shapes", async () => {
    const app = new App({ logger: false });
    app.get("/oauth", { deps: { t: oauth2PasswordBearer({ tokenUrl: "token" }) } }, () => 1);
    app.get("/basic", { deps: { c: httpBasic({ description: "Basic auth" }) } }, () => 1);
    app.get("/bearer", { deps: { c: httpBearer({ bearerFormat: "JWT" }) } }, () => 1);
    app.get("/header", { deps: { k: apiKeyHeader({ name: "key" }) } }, () => 1);
    app.get("/query", { deps: { k: apiKeyQuery({ name: "api_key" }) } }, () => 1);
    app.get("/cookie", { deps: { k: apiKeyCookie({ name: "session", schemeName: "Session" }) } }, () => 1);
    app.get("/code", { deps: { t: oauth2AuthorizationCodeBearer({ authorizationUrl: "authorize", tokenUrl: "token", refreshUrl: "refresh" }) } }, () => 1);
    const document = app.openapi();
    assert.deepEqual(document.components?.securitySchemes, {
      OAuth2PasswordBearer: { type: "oauth2", flows: { password: { scopes: {}, tokenUrl: "token" } } },
      HTTPBasic: { type: "http", scheme: "basic", description: "Basic auth" },
      HTTPBearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
      APIKeyHeader: { type: "apiKey", in: "header", name: "key" },
      APIKeyQuery: { type: "apiKey", in: "query", name: "api_key" },
      Session: { type: "apiKey", in: "cookie", name: "session" },
      OAuth2AuthorizationCodeBearer: {
        type: "oauth2",
        flows: { authorizationCode: { authorizationUrl: "authorize", refreshUrl: "refresh", scopes: {}, tokenUrl: "token" } },
      },
    });
    const security = (path: string) => document.paths[path]!["get"]!.security;
    assert.deepEqual(security("/oauth"), [{ OAuth2PasswordBearer: [] }]);
    assert.deepEqual(security("/basic"), [{ HTTPBasic: [] }]);
    assert.deepEqual(security("/cookie"), [{ Session: [] }]);
    // Security helpers read the request themselves: no parameters, so no 422 either.
    assert.equal(document.paths["/oauth"]!["get"]!.parameters, undefined);
    assert.deepEqual(Object.keys(document.paths["/oauth"]!["get"]!.responses), ["200"]);
    await assertValidOpenAPI(document);
  });

  it("OAuth2 scopes asked along the dependency chain are listed, outermost first (FastAPI's tutorial)", async () => {
    const app = new App({ logger: false });
    const oauth2 = oauth2PasswordBearer({ tokenUrl: "token", scopes: { me: "Read information about the current user.", items: "Read items." } });
    const currentUser = depends({ deps: { token: oauth2 } }, ({ deps }) => deps.token);
    const activeUser = depends({ deps: { user: security(currentUser, { scopes: ["me"] }) } }, ({ deps }) => deps.user);
    app.post("/token", { deps: { form: oauth2PasswordRequestForm } }, function login_for_access_token() {
      return {};
    });
    app.get("/users/me/", { deps: { user: activeUser } }, () => 1);
    app.get("/users/me/items/", { deps: { user: security(activeUser, { scopes: ["items"] }) } }, () => 1);
    app.get("/status/", { deps: { user: currentUser } }, () => 1);
    const document = app.openapi();
    assert.deepEqual(document.components?.securitySchemes, {
      OAuth2PasswordBearer: {
        type: "oauth2",
        flows: { password: { scopes: { me: "Read information about the current user.", items: "Read items." }, tokenUrl: "token" } },
      },
    });
    assert.deepEqual(document.paths["/users/me/"]!["get"]!.security, [{ OAuth2PasswordBearer: ["me"] }]);
    assert.deepEqual(document.paths["/users/me/items/"]!["get"]!.security, [{ OAuth2PasswordBearer: ["items", "me"] }]);
    assert.deepEqual(document.paths["/status/"]!["get"]!.security, [{ OAuth2PasswordBearer: [] }]);
    assert.equal(document.paths["/token"]!["post"]!.security, undefined);
    assert.deepEqual(document.paths["/token"]!["post"]!.requestBody!.content, {
      "application/x-www-form-urlencoded": { schema: { $ref: "#/components/schemas/Body_login_for_access_token_token_post" } },
    });
    assert.deepEqual(document.components?.schemas?.["Body_login_for_access_token_token_post"], {
      properties: {
        grant_type: { type: "string", pattern: "^password$" },
        username: { type: "string" },
        password: { type: "string", format: "password" },
        scope: { default: "", type: "string" },
        client_id: { type: "string" },
        client_secret: { type: "string", format: "password" },
      },
      type: "object",
      required: ["username", "password"],
      title: "Body_login_for_access_token_token_post",
    });
    await assertValidOpenAPI(document);
  });

  it("a route using two schemes lists both; scopes never go to non-OAuth2 schemes", async () => {
    const app = new App({ logger: false });
    const key = apiKeyHeader({ name: "X-Key" });
    const bearer = httpBearer();
    const either = depends({ deps: { key: security(key, { scopes: ["ignored"] }), bearer } }, () => 1);
    app.get("/", { dependencies: [either] }, () => 1);
    assert.deepEqual(app.openapi().paths["/"]!["get"]!.security, [{ APIKeyHeader: [] }, { HTTPBearer: [] }]);
    await assertValidOpenAPI(app.openapi());
  });

  it("app- and router-level security dependencies apply to every operation", async () => {
    const app = new App({ logger: false, dependencies: [apiKeyHeader({ name: "X-Key" })] });
    app.get("/a", () => 1);
    app.get("/b", () => 1);
    for (const path of ["/a", "/b"]) assert.deepEqual(app.openapi().paths[path]!["get"]!.security, [{ APIKeyHeader: [] }]);
    await assertValidOpenAPI(app.openapi());
  });
});
