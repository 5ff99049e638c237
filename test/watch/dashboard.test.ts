import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { App } from "../../src/index.js";
import { launchChromium } from "../support/chromium.js";
import { repoRoot } from "./run-fixture.js";
import { startWatchedServer, type WatchedServer } from "./watched-server.js";

const outputDir = join(repoRoot, ".test-output");

describe("dashboard: a live page served by the app", () => {
  let server: WatchedServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startWatchedServer("dashboard-app", { LOOPWISE_ENV: "development" }), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, server.stderr());
  });

  it("shows a blocking request as it happens, with its route and stack, plus routes, in-flight requests and profiles", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const response = await page.goto(`${server.url}/_loopwise`);
    assert.equal(response?.status(), 200);
    await page.locator("#status", { hasText: "live" }).waitFor({ timeout: 15_000 });

    for (const id of [1, 2, 3, 4, 5]) await (await fetch(`${server.url}/items/${id}`)).arrayBuffer();
    await (await fetch(`${server.url}/universities`)).arrayBuffer();
    const waiting = fetch(`${server.url}/stock`).then((r) => r.arrayBuffer());
    // A URL that would be markup if the page ever put text in as HTML.
    const hostile = `/report?q=%3Cimg%20src=x%20onerror=alert(1)%3E`;
    const blocked = (await (await fetch(`${server.url}${hostile}`)).json()) as { id: number };

    const block = page.locator(".block", { hasText: `GET /report (req ${blocked.id})` });
    await block.waitFor({ timeout: 15_000 });
    assert.match(await block.innerText(), /BLOCKED [\d.]+ s in GET \/report \(req \d+\) at buildReport \(test\/fixtures\/watch\/dashboard-app\.ts:\d+\)/);
    await page.locator("#routes td", { hasText: "GET /items/{id}" }).waitFor();
    await page.locator("#inflight td", { hasText: "GET /stock" }).waitFor();
    assert.match(await page.locator("#inflight").innerText(), /GET http:\/\/127\.0\.0\.1:\d+\/slow/);
    await page.locator("#profiles .hint", { hasText: "3 calls ran one after another" }).waitFor();
    await block.locator("summary").click();
    assert.match(await block.locator(".frames").innerText(), /buildReport\s+test\/fixtures\/watch\/dashboard-app\.ts:\d+/);
    assert.equal(await page.locator("img").count(), 0, "request text is never markup");
    assert.equal(await page.evaluate(() => document.querySelector("canvas")!.width > 0), true);

    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: join(outputDir, "dashboard.png"), fullPage: true });
    assert.deepEqual(errors, []);
    await waiting;
  });

  it("serves its state as JSON for scripts", async () => {
    const state = (await (await fetch(`${server.url}/_loopwise/state`)).json()) as { title: string; watchdog: { running: boolean }; blocks: unknown[] };
    assert.equal(state.title, "Inventory");
    assert.equal(state.watchdog.running, true);
    assert.ok(state.blocks.length >= 1);
  });
});

describe("dashboard: who may see it", () => {
  it("answers 401 on every dashboard path when the guard says no, and serves when it says yes", async () => {
    let allow = false;
    const app = new App({ logger: false, watchdog: { enabled: false, dev: false, dashboard: { path: "/ops", auth: (req) => allow && req.headers["x-ops"] === "yes" } } });
    const server = await app.serve({ port: 0, handleSignals: false });
    try {
      for (const path of ["/ops", "/ops/state", "/ops/events"]) {
        const refused = await fetch(`${server.url}${path}`, { headers: { "x-ops": "yes" } });
        assert.equal(refused.status, 401, path);
        await refused.arrayBuffer();
      }
      allow = true;
      assert.equal((await fetch(`${server.url}/ops/state`)).status, 401, "the guard still checks the request");
      const page = await fetch(`${server.url}/ops`, { headers: { "x-ops": "yes" } });
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
      assert.match(await page.text(), /new EventSource\(feed\)/);
      const events = await fetch(`${server.url}/ops/events`, { headers: { "x-ops": "yes" } });
      assert.equal(events.headers.get("content-type"), "text/event-stream; charset=utf-8");
      const reader = events.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      assert.match(first, /^event: state\ndata: \{"title":"loopwise"/);
      await reader.cancel();
    } finally {
      await server.close();
    }
  });

  it("is off in production unless asked for, and then needs auth", () => {
    const app = new App({ logger: false, watchdog: { dev: false } });
    assert.equal(app.routes.length, 0);
    assert.throws(() => new App({ logger: false, watchdog: { dev: false, dashboard: true } }), /needs `auth`/);
  });
});
