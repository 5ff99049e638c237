import assert from "node:assert/strict";
import { get as httpGet, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { App, depends, processTime, type DashboardState } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

/** A local upstream: answers `/hold` only when released, everything else after 20 ms. */
function upstream(): Promise<{ url: string; holding: () => number; release: () => void; close: () => Promise<void> }> {
  const held: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const answer = (): void => void res.end("ok");
    if (req.url === "/hold") held.push(answer);
    else setTimeout(answer, 20);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        holding: () => held.length,
        release: () => held.splice(0).forEach((answer) => answer()),
        close: () => new Promise((done) => (server.closeAllConnections(), server.close(() => done()))),
      }),
    ),
  );
}

function timing(header: string | null): Record<string, string> {
  return Object.fromEntries((header ?? "").split(", ").map((entry) => [entry.split(";")[0]!, entry]));
}

describe("the always-on request profile, over HTTP", () => {
  let api: Awaited<ReturnType<typeof upstream>>;
  let app: App;
  let url: string;
  let close: () => Promise<void>;

  let closedPort: string;
  before(async () => {
    api = await upstream();
    // A loopback port nobody listens on (fetch refuses "bad ports" such as 1 without trying).
    const probe = await upstream();
    closedPort = probe.url;
    await probe.close();
    app = new App({ logger: false, watchdog: { enabled: false, dashboard: { auth: () => true }, profile: { header: true, sampleEvery: 0, serverTiming: true } } });
    app.use(processTime());
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const user = depends({ headers: { x_user: z.string() } }, async ({ headers }) => {
      await pause(3);
      return headers.x_user;
    });
    app.post("/items", { body: z.object({ name: z.string() }), deps: { user } }, async ({ body, deps }) => {
      await pause(3);
      return { name: body.name, by: deps.user };
    });
    app.get("/via-http", () => new Promise((resolve) => httpGet(`${api.url}/a`, (res) => (res.resume(), res.on("end", () => resolve({ ok: true }))))));
    app.get("/held", async () => (await fetch(`${api.url}/hold`)).text());
    app.get("/refused", async () => {
      await fetch(`${closedPort}/nothing`).catch(() => undefined);
      return { ok: true };
    });
    app.get("/plain", () => ({ ok: true }));
    // Nothing to validate or resolve: served without an async frame (Route's bare path).
    app.get("/bare-async", async () => {
      await pause(3);
      return { ok: true };
    });
    const server = await app.serve({ port: 0, handleSignals: false });
    url = server.url;
    close = server.close;
  });
  after(async () => {
    await close();
    await api.close();
  });

  it("times the phases of a route, and appends to processTime's Server-Timing", async () => {
    const response = await fetch(`${url}/items`, { method: "POST", headers: { "content-type": "application/json", "x-user": "ann" }, body: '{"name":"x"}' });
    assert.deepEqual(await response.json(), { name: "x", by: "ann" });
    const entries = timing(response.headers.get("server-timing"));
    // Phases that took under 0.05 ms (parsing a tiny body, say) are left out; order is fixed.
    const order = ["app", "total", "parse", "deps", "validate", "handler", "serialize"];
    assert.deepEqual(Object.keys(entries), order.filter((name) => name in entries));
    for (const name of ["app", "total", "deps", "handler"]) assert.ok(name in entries, `${name} in ${response.headers.get("server-timing")}`);
    assert.match(entries["app"]!, /^app;dur=\d+\.\d{3}$/);
    for (const name of order.slice(1).filter((each) => each in entries)) assert.match(entries[name]!, /^[a-z]+;dur=\d+(\.\d)?$/);
  });

  it("times the handler of a route with nothing to validate, sync or async", async () => {
    const slow = await fetch(`${url}/bare-async`);
    assert.deepEqual(await slow.json(), { ok: true });
    const entries = timing(slow.headers.get("server-timing"));
    assert.ok("handler" in entries, slow.headers.get("server-timing") ?? "");
    // The phase spans the awaited pause (3 ms timer; libuv's millisecond clock may round it down a little).
    assert.ok(Number(/dur=([\d.]+)/.exec(entries["handler"]!)![1]) >= 2, entries["handler"]);
    for (const absent of ["deps", "validate", "parse"]) assert.ok(!(absent in entries), `${absent} in ${slow.headers.get("server-timing")}`);
    const plain = await fetch(`${url}/plain`);
    assert.deepEqual(await plain.json(), { ok: true });
    assert.ok("total" in timing(plain.headers.get("server-timing")));
  });

  it("records node:http client calls too", async () => {
    const response = await fetch(`${url}/via-http`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("server-timing") ?? "", /outbound;dur=[\d.]+;desc="1 call, at most 1 at a time"/);
    const kept = app.watch!.profiles.findLast((p) => p.route === "/via-http")!;
    assert.equal(kept.summary.outbound?.calls[0]?.client, "http");
    assert.equal(kept.summary.outbound?.calls[0]?.url, `${api.url}/a`);
    assert.equal(kept.summary.outbound?.calls[0]?.status, 200);
  });

  it("records a failed call with its error", async () => {
    assert.equal((await fetch(`${url}/refused`)).status, 200);
    const call = app.watch!.profiles.findLast((p) => p.route === "/refused")!.summary.outbound?.calls[0];
    assert.ok(call?.error, JSON.stringify(call));
    assert.equal(call?.status, undefined);
  });

  it("lists requests in flight with the call they are waiting for", async () => {
    const pending = fetch(`${url}/held`);
    // Once the upstream holds the call, the request is waiting for it.
    for (let i = 0; i < 500 && api.holding() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(api.holding(), 1, "the request reached the upstream");
    const state = (await (await fetch(`${url}/_loopwise/state`)).json()) as DashboardState;
    const entry = state.inFlight.find((r) => r.route === "/held");
    assert.ok(entry?.outbound, JSON.stringify(state.inFlight));
    assert.deepEqual({ method: entry.outbound.method, url: entry.outbound.url }, { method: "GET", url: `${api.url}/hold` });
    assert.ok(!state.inFlight.some((r) => r.route.startsWith("/_loopwise")), "the dashboard does not list itself");
    api.release();
    assert.equal(await (await pending).json(), "ok");
    assert.equal(app.watch!.inFlightCount, 0);
  });

  it("samples a request only for the header's exact value", async () => {
    const sampled = await fetch(`${url}/plain`, { headers: { "x-loopwise-profile": "1" } });
    assert.match(sampled.headers.get("server-timing") ?? "", /loop;dur=[\d.]+, wait;dur=[\d.]+$/);
    for (const value of ["0", "true", "1, 1", " 1x", "1".repeat(5000)]) {
      const response = await fetch(`${url}/plain`, { headers: { "x-loopwise-profile": value } });
      assert.doesNotMatch(response.headers.get("server-timing") ?? "", /loop;dur/, value.slice(0, 20));
    }
  });

  it("profiles requests through the TestClient the same way (no socket)", async () => {
    const response = await new TestClient(app).get("/plain");
    assert.match(response.header("server-timing") ?? "", /^app;dur=[\d.]+, total;dur=[\d.]+(, (validate|handler|serialize);dur=[\d.]+)*$/);
  });
});

describe("sampling one request in N", () => {
  it("measures time on the loop for every Nth request and leaves the async hooks off otherwise", async () => {
    const app = new App({ logger: false, watchdog: { enabled: false, profile: { sampleEvery: 3, serverTiming: true } } });
    app.get("/", async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return "ok";
    });
    const client = new TestClient(app);
    const sampled: boolean[] = [];
    for (let i = 0; i < 6; i++) sampled.push(/loop;dur/.test((await client.get("/")).header("server-timing") ?? ""));
    assert.deepEqual(sampled, [false, false, true, false, false, true]);
    const { loopTimer } = await import("../../src/watch/loop-time.js");
    assert.equal(loopTimer.enabled, false);
  });

  it("sends Server-Timing by default in development only; the profile is kept either way", async () => {
    const production = new App({ logger: false, watchdog: { enabled: false, dev: false } });
    production.get("/", () => "ok");
    assert.equal((await new TestClient(production).get("/")).header("server-timing"), undefined);
    assert.equal(production.watch?.routeStats().next().value?.count, 1, "the request was still profiled and counted");
    const dev = new App({ logger: false, watchdog: { enabled: false, dev: true } });
    dev.get("/", () => "ok");
    assert.match((await new TestClient(dev).get("/")).header("server-timing") ?? "", /^total;dur=[\d.]+/);
  });

  it("without Server-Timing, times no phase of a plain request, and times a request with outbound calls from its arrival", async () => {
    const api = await upstream();
    const app = new App({ logger: false, watchdog: { enabled: false, dev: false } });
    const seen: (boolean | undefined)[] = [];
    app.get("/plain", ({ req }) => {
      seen.push(req.context.profile?.timed);
      return "ok";
    });
    app.get("/calls/{n}", { path: { n: z.number().int().min(1).max(3) } }, async ({ path }) => {
      for (let i = 0; i < path.n; i++) await (await fetch(`${api.url}/x${i}`)).text();
      return { calls: path.n };
    });
    // A sampled request is timed in full even in production.
    const sampledApp = new App({ logger: false, watchdog: { enabled: false, dev: false, profile: { sampleEvery: 1 } } });
    sampledApp.get("/calls", async () => (await fetch(`${api.url}/y`)).text());
    const server = await app.serve({ port: 0, handleSignals: false });
    const sampledServer = await sampledApp.serve({ port: 0, handleSignals: false });
    try {
      assert.equal((await fetch(`${server.url}/plain`)).status, 200);
      assert.deepEqual(seen, [false]);
      assert.equal(app.watch!.profiles.length, 0, "a request without calls is not kept");
      assert.deepEqual(await (await fetch(`${server.url}/calls/2`)).json(), { calls: 2 });
      const kept = app.watch!.profiles.at(-1);
      assert.equal(kept?.route, "/calls/{n}");
      const { phases, wallMs, hint } = kept!.summary;
      // The upstream answers after 20 ms per call: the handler phase covers both calls.
      assert.ok(phases.handler! >= 35 && phases.handler! <= wallMs, JSON.stringify(kept));
      assert.ok(phases.serialize! >= 0, JSON.stringify(kept));
      assert.equal(phases.validate, undefined, "not timed apart from the handler");
      assert.match(hint?.text ?? "", /^2 calls ran one after another/);
      assert.equal((await fetch(`${sampledServer.url}/calls`)).status, 200);
      const sampled = sampledApp.watch!.profiles.at(-1)?.summary;
      assert.ok(sampled?.phases.validate !== undefined && sampled.phases.handler !== undefined, JSON.stringify(sampled));
    } finally {
      await server.close();
      await sampledServer.close();
      await api.close();
    }
  });

  it("turns off entirely with `profile: false`: no Server-Timing", async () => {
    const app = new App({ logger: false, watchdog: { enabled: false, profile: false } });
    app.get("/", () => "ok");
    assert.equal((await new TestClient(app).get("/")).header("server-timing"), undefined);
    const off = new App({ logger: false, watchdog: false });
    off.get("/", () => "ok");
    assert.equal((await new TestClient(off).get("/")).header("server-timing"), undefined);
  });
});
