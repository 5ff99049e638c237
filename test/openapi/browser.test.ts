import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { z } from "zod";
import { App, HTTPException, oauth2AuthorizationCodeBearer, RedirectResponse, type RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { createApp } from "../../examples/crud-auth/app.js";
import { launchChromium } from "../support/chromium.js";
import { repoRoot } from "../support/node-bin.js";

const outputDir = path.join(repoRoot, ".test-output", "openapi-browser");

/**
 * The docs pages in a real browser (Debian's chromium through playwright-core), against the
 * authenticated CRUD example served on loopback. Every request the pages make to another origin
 * is blocked and recorded: the docs must work offline.
 */
describe("docs pages in chromium", { timeout: 180_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  const outside: string[] = [];

  before(async () => {
    mkdirSync(outputDir, { recursive: true });
    const app = createApp({ logger: false });
    // One item to list, created through the API itself.
    const client = new TestClient(app, { lifespan: false });
    const login = await client.post("/token", { form: { username: "alice", password: "wonderland", scope: "items:write" } });
    await client.post("/items/", { json: { name: "Plumbus", price: 9.99 }, headers: { authorization: `Bearer ${login.json().access_token}` } });
    server = await app.serve({ port: 0, host: "127.0.0.1", handleSignals: false });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openPage(url: string, origin = server.url): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // On the context, so that popups (the OAuth2 login window) are watched too.
    await context.route("**/*", (route) => {
      const requested = route.request().url();
      if (requested.startsWith(origin + "/")) return route.continue();
      outside.push(requested);
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(origin + url);
    return page;
  }

  async function tryItOut(page: Page, operationId: string, parameters: Record<string, string> = {}): Promise<{ status: string; body: string }> {
    const operation = page.locator(`[id$="-${operationId}"]`);
    await operation.locator(".opblock-summary").click();
    await operation.locator("button.try-out__btn").click();
    for (const [name, value] of Object.entries(parameters)) await operation.locator(`tr[data-param-name="${name}"] input`).fill(value);
    await operation.locator("button.execute").click();
    const response = operation.locator(".live-responses-table tbody .response").first();
    await response.waitFor();
    return {
      status: (await response.locator(".response-col_status").innerText()).trim(),
      body: await response.locator(".response-col_description pre").first().innerText(),
    };
  }

  it("/docs: Try it out → Execute shows the real 200 response", async () => {
    const page = await openPage("/docs");
    await page.locator(".opblock").first().waitFor();
    const title = await page.locator(".info .title").innerText();
    assert.match(title, /Inventory/);
    const { status, body } = await tryItOut(page, "listItems_items__get");
    assert.equal(status, "200");
    assert.deepEqual(JSON.parse(body), [{ id: 1, name: "Plumbus", description: null, price: 9.99, owner: "alice" }]);
    await page.screenshot({ path: path.join(outputDir, "swagger-try-it-out.png"), fullPage: true });
    await page.context().close();
  });

  it("/docs: Authorize (OAuth2 password flow) then a protected route answers 200", async () => {
    const page = await openPage("/docs");
    await page.locator("button.authorize").first().click();
    const modal = page.locator(".modal-ux");
    await modal.locator("#oauth_username").fill("alice");
    await modal.locator("#oauth_password").fill("wonderland");
    await modal.locator(".scopes a[data-all]").click();
    await modal.locator("button.modal-btn.authorize").click();
    // Swagger UI offers "Logout" once the token endpoint answered with a token.
    await modal.locator("button", { hasText: "Logout" }).waitFor();
    await page.screenshot({ path: path.join(outputDir, "swagger-authorized.png") });
    await modal.locator("button.btn-done").click();

    const me = await tryItOut(page, "readCurrentUser_users_me_get");
    assert.equal(me.status, "200");
    assert.deepEqual(JSON.parse(me.body), { username: "alice", fullName: "Alice Liddell", scopes: ["items:read", "items:write"] });
    const item = await tryItOut(page, "readItem_items__item_id__get", { item_id: "1" });
    assert.equal(item.status, "200");
    assert.equal(JSON.parse(item.body).name, "Plumbus");
    await page.screenshot({ path: path.join(outputDir, "swagger-protected-route.png"), fullPage: true });
    await page.context().close();
  });

  it("/redoc renders the operation list", async () => {
    const page = await openPage("/redoc");
    const operationHeading = (summary: string) => page.locator("h2").filter({ hasText: new RegExp(`^\\s*${summary}\\s*$`) });
    await operationHeading("List Items").waitFor();
    for (const summary of ["List Items", "Create Item", "Read Item", "Log in for an access token", "Health"]) {
      assert.ok(await operationHeading(summary).isVisible(), summary);
    }
    // The side menu lists every operation too (collapsed groups keep theirs hidden).
    assert.equal(await page.locator('[role="menuitem"][data-item-id*="/operation/"]').count(), 8);
    await page.screenshot({ path: path.join(outputDir, "redoc.png") });
    await page.context().close();
  });

  it("/docs/oauth2-redirect: the authorization code flow (with PKCE) returns through it and Authorize succeeds", async () => {
    const provider = codeFlowApp();
    const running = await provider.app.serve({ port: 0, host: "127.0.0.1", handleSignals: false });
    try {
      const page = await openPage("/docs", running.url);
      await page.locator("button.authorize").first().click();
      const modal = page.locator(".modal-ux");
      await modal.locator(".scopes a[data-all]").click();
      // Swagger UI opens the provider's login page in a popup, which redirects to /docs/oauth2-redirect.
      await modal.locator("button.modal-btn.authorize").click();
      await modal.locator("button", { hasText: "Logout" }).waitFor();
      assert.deepEqual(provider.redirects, [`${running.url}/docs/oauth2-redirect`]);
      await modal.locator("button.btn-done").click();
      const secure = await tryItOut(page, "readSecret_secret_get");
      assert.equal(secure.status, "200");
      assert.deepEqual(JSON.parse(secure.body), { secret: 42, scopes: "read" });
      await page.screenshot({ path: path.join(outputDir, "swagger-authorization-code.png"), fullPage: true });
      await page.context().close();
    } finally {
      await running.close();
    }
  });

  it("nothing was requested from another origin", () => {
    assert.deepEqual(outside, []);
  });
});

/**
 * An app that is its own OAuth2 provider: `/authorize` redirects back with a code, `/token` checks
 * the PKCE verifier and exchanges the code for a token, `/secret` needs that token.
 */
function codeFlowApp() {
  const app = new App({ logger: false, title: "Code flow", swaggerUiInitOAuth: { clientId: "docs", usePkceWithAuthorizationCodeGrant: true } });
  const oauth2 = oauth2AuthorizationCodeBearer({ authorizationUrl: "/authorize", tokenUrl: "/token", scopes: { read: "Read the secret" } });
  const codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  const tokens = new Map<string, string>();
  const redirects: string[] = [];
  app.get("/authorize", {
    query: { response_type: z.literal("code"), client_id: z.literal("docs"), redirect_uri: z.string(), state: z.string(), scope: z.string().default(""), code_challenge: z.string(), code_challenge_method: z.literal("S256") },
    includeInSchema: false,
  }, ({ query }) => {
    const code = randomUUID();
    codes.set(code, { challenge: query.code_challenge, redirectUri: query.redirect_uri, scope: query.scope });
    redirects.push(query.redirect_uri);
    const back = new URL(query.redirect_uri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", query.state);
    return new RedirectResponse(back.toString(), { status: 302 });
  });
  app.post("/token", {
    form: { grant_type: z.literal("authorization_code"), code: z.string(), redirect_uri: z.string(), client_id: z.literal("docs"), code_verifier: z.string() },
    includeInSchema: false,
  }, ({ form }) => {
    const grant = codes.get(form.code);
    codes.delete(form.code);
    const challenge = createHash("sha256").update(form.code_verifier).digest("base64url");
    if (!grant || grant.challenge !== challenge || grant.redirectUri !== form.redirect_uri) throw new HTTPException(400, "invalid_grant");
    const token = randomUUID();
    tokens.set(token, grant.scope);
    return { access_token: token, token_type: "bearer" };
  });
  app.get("/secret", { deps: { token: oauth2 } }, function readSecret({ deps }) {
    const scopes = tokens.get(deps.token);
    if (scopes === undefined) throw new HTTPException(401, "Invalid token", { "WWW-Authenticate": "Bearer" });
    return { secret: 42, scopes };
  });
  return { app, redirects };
}
