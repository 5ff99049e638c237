import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startWatchedServer, type WatchedServer } from "./watched-server.js";

describe("watchdog over HTTP: thread-lane work stuck far too long", () => {
  let server: WatchedServer;
  before(async () => {
    server = await startWatchedServer("thread-app");
  });
  after(async () => {
    assert.equal(await server.stop(), 0, server.stderr());
  });

  it("reports a thread-lane route stuck on its pool thread with its route and request, then its end", async () => {
    const response = await fetch(`${server.url}/reports`, { method: "POST" });
    assert.equal(response.status, 200);
    const { id } = (await response.json()) as { id: number };
    const stuck = await server.waitForReport((r) => r.thread !== "main" && r.request?.id === id && !r.ended);
    const ended = await server.waitForReport((r) => r.blockId === stuck.blockId && r.ended);
    for (const report of [stuck, ended]) {
      assert.equal(typeof report.thread === "object" && report.thread.route, "POST /reports");
      assert.deepEqual(report.request, { id, method: "POST", route: "/reports" });
      assert.equal(report.attribution, "lane");
      assert.equal(report.outsideRequest, false);
    }
    assert.ok(ended.durationMs > stuck.durationMs);
    assert.ok(stuck.durationMs >= 300, String(stuck.durationMs));
  });

  it("reports a task stuck on a pool thread by its name", async () => {
    const response = await fetch(`${server.url}/resize`);
    assert.equal(response.status, 200);
    const report = await server.waitForReport((r) => r.thread !== "main" && r.thread.route === "task resize" && r.ended);
    assert.equal(report.request, undefined);
    assert.equal(report.outsideRequest, false);
  });

  it("does not report pool threads waiting for work, nor a quick call", async () => {
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${server.url}/quick`)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 800));
    const idle = server.reports().filter((r) => r.thread !== "main" && (r.thread.route === "" || r.thread.route === "GET /quick"));
    assert.deepEqual(idle, []);
  });
});
