import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  App,
  depends,
  HTTPException,
  oauth2AuthorizationCodeBearer,
  oauth2PasswordBearer,
  oauth2PasswordRequestForm,
  oauth2PasswordRequestFormStrict,
  security,
} from "loopwise";
import { TestClient } from "loopwise/testing";

/** FastAPI's "OAuth2 scopes" tutorial, with tokens that are just "user:scope scope". */
function scopesApp() {
  const app = new App({ logger: false });
  const users: Record<string, { password: string; scopes: string[] }> = {
    johndoe: { password: "secret", scopes: ["me", "items"] },
    alice: { password: "secret2", scopes: ["me"] },
  };
  const oauth2 = oauth2PasswordBearer({ tokenUrl: "token", scopes: { me: "Read information about the current user.", items: "Read items." } });
  let lookups = 0;
  const currentUser = depends({ deps: { token: oauth2 } }, function getCurrentUser({ deps, securityScopes }) {
    lookups++;
    const authenticate = securityScopes.scopes.length > 0 ? `Bearer scope="${securityScopes.scopeStr}"` : "Bearer";
    const [username = "", granted = ""] = deps.token.split(":");
    if (!users[username]) throw new HTTPException(401, "Could not validate credentials", { "WWW-Authenticate": authenticate });
    const tokenScopes = granted.split(" ").filter(Boolean);
    for (const scope of securityScopes.scopes) {
      if (!tokenScopes.includes(scope)) throw new HTTPException(401, "Not enough permissions", { "WWW-Authenticate": authenticate });
    }
    return { username, scopes: tokenScopes };
  });
  const activeUser = depends({ deps: { user: security(currentUser, { scopes: ["me"] }) } }, ({ deps }) => deps.user);

  app.post("/token", { deps: { form: oauth2PasswordRequestForm } }, function login({ deps }) {
    const user = users[deps.form.username];
    if (!user || user.password !== deps.form.password) throw new HTTPException(400, "Incorrect username or password");
    const scopes = deps.form.scopes.filter((scope) => user.scopes.includes(scope));
    return { access_token: `${deps.form.username}:${scopes.join(" ")}`, token_type: "bearer" };
  });
  app.get("/users/me/", { deps: { user: activeUser } }, ({ deps }) => deps.user);
  app.get("/users/me/items/", { deps: { user: security(activeUser, { scopes: ["items"] }) } }, ({ deps }) => [{ item_id: "Foo", owner: deps.user.username }]);
  app.get("/status/", { deps: { user: currentUser } }, () => ({ status: "ok" }));
  app.get("/both", { deps: { me: security(currentUser, { scopes: ["me"] }), again: security(currentUser, { scopes: ["me"] }), plain: currentUser } }, () => ({
    lookups,
  }));
  return { app, lookups: () => lookups };
}

async function token(client: TestClient, username: string, password: string, scope: string) {
  const res = await client.post("/token", { form: { username, password, scope } });
  assert.equal(res.status, 200, res.text);
  return `Bearer ${res.json().access_token}`;
}

describe("oauth2PasswordBearer", () => {
  const app = new App({ logger: false });
  const oauth2 = oauth2PasswordBearer({ tokenUrl: "token" });
  app.get("/items/", { deps: { token: oauth2 } }, ({ deps }) => ({ token: deps.token }));
  app.get("/optional", { deps: { token: oauth2PasswordBearer({ tokenUrl: "token", autoError: false }) } }, ({ deps }) => ({ token: deps.token ?? null }));
  const client = new TestClient(app);

  it("gives the bearer token", async () => {
    assert.deepEqual((await client.get("/items/", { headers: { authorization: "Bearer testtoken" } })).json(), { token: "testtoken" });
    assert.deepEqual((await client.get("/items/", { headers: { authorization: "bearer  spaced  " } })).json(), { token: "spaced" });
  });

  for (const [label, header] of [
    ["no header", undefined],
    ["another scheme", "Basic testtoken"],
    ["an empty bearer", "Bearer "],
    ["the scheme alone", "Bearer"],
    ["a token without scheme", "testtoken"],
  ] as const) {
    it(`${label} → 401 Not authenticated, WWW-Authenticate: Bearer`, async () => {
      const res = await client.get("/items/", header === undefined ? {} : { headers: { authorization: header } });
      assert.equal(res.status, 401);
      assert.deepEqual(res.json(), { detail: "Not authenticated" });
      assert.equal(res.header("www-authenticate"), "Bearer");
    });
  }

  it("autoError: false gives undefined", async () => {
    assert.deepEqual((await client.get("/optional")).json(), { token: null });
  });

  it("the authorization code flow's helper reads the same bearer token", async () => {
    const codeApp = new App({ logger: false });
    codeApp.get("/me", { deps: { token: oauth2AuthorizationCodeBearer({ authorizationUrl: "/authorize", tokenUrl: "/token" }) } }, ({ deps }) => ({ token: deps.token }));
    const codeClient = new TestClient(codeApp);
    assert.deepEqual((await codeClient.get("/me", { headers: { authorization: "Bearer abc" } })).json(), { token: "abc" });
    const missing = await codeClient.get("/me");
    assert.equal(missing.status, 401);
    assert.equal(missing.header("www-authenticate"), "Bearer");
  });
});

describe("OAuth2 scopes with security() and SecurityScopes (FastAPI's tutorial)", () => {
  it("a token with the scopes gets in; one without gets 401 naming the scopes", async () => {
    const { app } = scopesApp();
    const client = new TestClient(app);
    const full = await token(client, "johndoe", "secret", "me items");
    assert.deepEqual((await client.get("/users/me/", { headers: { authorization: full } })).json(), { username: "johndoe", scopes: ["me", "items"] });
    assert.deepEqual((await client.get("/users/me/items/", { headers: { authorization: full } })).json(), [{ item_id: "Foo", owner: "johndoe" }]);

    const meOnly = await token(client, "johndoe", "secret", "me");
    const refused = await client.get("/users/me/items/", { headers: { authorization: meOnly } });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.json(), { detail: "Not enough permissions" });
    // The scopes asked along the chain, outermost first: "items" by the route, then "me" by activeUser.
    assert.equal(refused.header("www-authenticate"), 'Bearer scope="items me"');
    assert.deepEqual((await client.get("/status/", { headers: { authorization: meOnly } })).json(), { status: "ok" });
  });

  it("the token endpoint refuses bad credentials with 400 and grants only the user's scopes", async () => {
    const { app } = scopesApp();
    const client = new TestClient(app);
    const bad = await client.post("/token", { form: { username: "johndoe", password: "wrong" } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json(), { detail: "Incorrect username or password" });
    const alice = await token(client, "alice", "secret2", "me items");
    assert.equal(alice, "Bearer alice:me");
  });

  it("a dependency is cached per set of scopes asked", async () => {
    const { app, lookups } = scopesApp();
    const client = new TestClient(app);
    const full = await token(client, "johndoe", "secret", "me items");
    const before = lookups();
    const res = await client.get("/both", { headers: { authorization: full } });
    assert.equal(res.status, 200);
    // ["me"] twice shares one call; the plain use (no scopes) is another.
    assert.equal(lookups() - before, 2);
  });
});

describe("oauth2PasswordRequestForm", () => {
  const app = new App({ logger: false });
  app.post("/token", { deps: { form: oauth2PasswordRequestForm } }, ({ deps }) => deps.form);
  app.post("/strict", { deps: { form: oauth2PasswordRequestFormStrict } }, ({ deps }) => deps.form);
  const client = new TestClient(app);

  it("reads the fields, splits the scopes on whitespace", async () => {
    const res = await client.post("/token", { form: { username: "u", password: "p", scope: " a  b\tc ", client_id: "cid" } });
    assert.deepEqual(res.json(), { username: "u", password: "p", scopes: ["a", "b", "c"], clientId: "cid" });
  });

  it("missing fields are 422 with input null; an empty field counts as missing", async () => {
    const res = await client.post("/token", { form: { username: "", scope: "x" } });
    assert.equal(res.status, 422);
    assert.deepEqual(
      res.json().detail.map((issue: { type: string; loc: unknown[]; input: unknown }) => [issue.type, issue.loc.at(-1), issue.input]),
      [
        ["missing", "username", null],
        ["missing", "password", null],
      ],
    );
  });

  it("a grant_type other than password is refused; the strict form requires it", async () => {
    const wrong = await client.post("/token", { form: { username: "u", password: "p", grant_type: "client_credentials" } });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.json().detail[0].type, "string_pattern_mismatch");
    const strictMissing = await client.post("/strict", { form: { username: "u", password: "p" } });
    assert.equal(strictMissing.status, 422);
    assert.equal(strictMissing.json().detail[0].loc.at(-1), "grant_type");
    assert.equal((await client.post("/strict", { form: { username: "u", password: "p", grant_type: "password" } })).status, 200);
  });

  it("a JSON body is not a form: every field is missing", async () => {
    const res = await client.post("/token", { json: { username: "u", password: "p" } });
    assert.equal(res.status, 422);
    assert.equal(res.json().detail.length, 2);
  });
});
