import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import path from "node:path";
import { WebSocket } from "ws";
import { TestClient } from "loopwise/testing";
import { repoRoot } from "../support/node-bin.js";
import { spawnApp, type SpawnedApp } from "../support/spawn-app.js";

process.env["TICK_MS"] = "10";
process.env["LOG_LEVEL"] = "silent";
const { app } = await import("../../examples/streaming/app.js");

describe("example: streaming", () => {
  const client = new TestClient(app);
  let server: SpawnedApp;
  before(async () => {
    server = await spawnApp(path.join(repoRoot, "examples/streaming/app.ts"), { TICK_MS: "10", LOG_LEVEL: "info" });
  });
  after(async () => {
    await client.close();
    assert.equal(await server.stop(), 0, "exits cleanly on SIGTERM");
  });

  it("serves the page from static files", async () => {
    const res = await client.get("/");
    assert.equal(res.header("content-type"), "text/html; charset=utf-8");
    assert.match(res.text, /new EventSource\("\/ticks"\)/);
  });

  it("ticks as Server-Sent Events, resuming after Last-Event-ID", async () => {
    const res = await client.get("/ticks", { query: { limit: 2 }, headers: { "last-event-id": "41" } });
    assert.equal(res.header("content-type"), "text/event-stream; charset=utf-8");
    const ids = [...res.text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]);
    assert.deepEqual(ids, ["42", "43"]);
    assert.match(res.text, /^event: tick\nid: 42\ndata: \{"n":42,"at":"[^"]+"\}$/m);
  });

  it("ticks over a socket, as a browser's EventSource reads them", async () => {
    const res = await fetch(`${server.url}/ticks`);
    const reader = res.body!.getReader();
    let text = "";
    while ((text.match(/^id: /gm) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    assert.deepEqual([...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]).slice(0, 3), ["1", "2", "3"]);
  });

  it("exports JSON Lines and a CSV built while downloading, compressed when asked", async () => {
    const lines = (await client.get("/readings", { query: { count: 3 } })).text.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { sensor: "s0", celsius: 20 },
      { sensor: "s1", celsius: 20.5 },
      { sensor: "s2", celsius: 21 },
    ]);
    const csv = await fetch(`${server.url}/report.csv?rows=20000`, { headers: { "accept-encoding": "gzip" } });
    assert.equal(csv.headers.get("content-encoding"), "gzip");
    const rows = (await csv.text()).trim().split("\n");
    assert.equal(rows.length, 20001);
    assert.equal(rows.at(-1), "19999,399960001");
  });

  it("a chat room sends every message to every member", async () => {
    const url = `${server.url.replace("http:", "ws:")}/chat/lobby`;
    const ann = new WebSocket(`${url}?name=ann`);
    const bob = new WebSocket(`${url}?name=bob`);
    await Promise.all([once(ann, "open"), once(bob, "open")]);
    const toBob = once(bob, "message");
    ann.send("hi all");
    assert.equal(String((await toBob)[0]), "ann: hi all");
    ann.close();
    bob.close();
    const denied = await client.websocket("/chat/lobby").catch((e) => e);
    assert.equal(denied.status, 403, "a name is required");
  });
});
