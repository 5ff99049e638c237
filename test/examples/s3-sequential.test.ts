import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { startUniversitiesApi, type UniversitiesApi } from "../../examples/s3-sequential/universities-api.js";
import { repoRoot } from "../support/node-bin.js";
import { spawnApp, type SpawnedApp } from "../support/spawn-app.js";

/** `name;dur=1.2;desc="..."` entries of a Server-Timing header, by name. */
function serverTiming(header: string | null): Map<string, { dur: number; desc?: string }> {
  const entries = new Map<string, { dur: number; desc?: string }>();
  for (const match of (header ?? "").matchAll(/([a-z]+);dur=([\d.]+)(?:;desc="((?:[^"\\]|\\.)*)")?/g)) {
    entries.set(match[1]!, { dur: Number(match[2]), ...(match[3] === undefined ? {} : { desc: match[3] }) });
  }
  return entries;
}

interface AccessLine {
  event?: string;
  url?: string;
  msg: string;
  profile?: { outbound?: { count: number; maxConcurrency: number }; hint?: { text: string; saveMs: number } };
}

// S3: the profile shows the waterfall of the sequential version and its absence in the concurrent one.
describe("example S3: sequential awaits vs concurrent awaits", () => {
  let api: UniversitiesApi;
  let app: SpawnedApp;
  before(async () => {
    api = await startUniversitiesApi({ delayMs: 120 });
    app = await spawnApp(path.join(repoRoot, "examples/s3-sequential/app.ts"), { UPSTREAM_URL: api.url, LOG_LEVEL: "info" });
  });
  after(async () => {
    assert.equal(await app.stop(), 0, "the example exits cleanly on SIGTERM");
    await api.close();
  });

  const accessLines = (url: string): AccessLine[] =>
    app
      .output()
      .split("\n")
      .filter((line) => line.includes('"event":"access"'))
      .map((line) => JSON.parse(line) as AccessLine)
      .filter((line) => line.url === url);

  it("both versions answer the same three lists", async () => {
    const sequential = await (await fetch(`${app.url}/universities`)).json();
    const concurrent = await (await fetch(`${app.url}/universities/concurrent`)).json();
    assert.deepEqual(concurrent, sequential);
    assert.deepEqual(Object.keys(sequential as object), ["Turkey", "India", "Australia"]);
  });

  it("the sequential version's profile shows three calls one after another and what running them together would save", async () => {
    const response = await fetch(`${app.url}/universities`);
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    const timing = serverTiming(response.headers.get("server-timing"));
    const outbound = timing.get("outbound");
    assert.ok(outbound, response.headers.get("server-timing") ?? "no Server-Timing");
    assert.match(outbound.desc ?? "", /^3 calls ran one after another; run together they would save ~\d+ ms$/);
    assert.ok(timing.has("total") && timing.has("handler"));
    // The access log line carries the same profile, once the response is finished.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const line = accessLines("/universities").at(-1);
    assert.ok(line, app.output().slice(-2000));
    assert.equal(line.profile?.outbound?.count, 3);
    assert.equal(line.profile?.outbound?.maxConcurrency, 1);
    assert.match(line.profile?.hint?.text ?? "", /^3 calls ran one after another/);
    assert.ok(line.msg.includes("3 calls ran one after another; run together they would save ~"), line.msg);
  });

  it("the concurrent version's profile shows the three calls at once, and no hint", async () => {
    const response = await fetch(`${app.url}/universities/concurrent`);
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    const outbound = serverTiming(response.headers.get("server-timing")).get("outbound");
    assert.equal(outbound?.desc, "3 calls, at most 3 at a time");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const line = accessLines("/universities/concurrent").at(-1)!;
    assert.equal(line.profile?.outbound?.maxConcurrency, 3);
    assert.equal(line.profile?.hint, undefined);
    assert.doesNotMatch(line.msg, /would save/);
  });

  it("a request asking for the sampled profile also gets its time on the loop and waiting", async () => {
    const response = await fetch(`${app.url}/universities`, { headers: { "x-loopwise-profile": "1" } });
    await response.arrayBuffer();
    const timing = serverTiming(response.headers.get("server-timing"));
    const loop = timing.get("loop");
    const wait = timing.get("wait");
    const total = timing.get("total");
    assert.ok(loop && wait && total, response.headers.get("server-timing") ?? "");
    // Waiting for the three calls is most of this request; the rest is the loop's share.
    assert.ok(wait.dur > loop.dur, response.headers.get("server-timing") ?? "");
    assert.ok(Math.abs(loop.dur + wait.dur - total.dur) < 1, response.headers.get("server-timing") ?? "");
  });
});
