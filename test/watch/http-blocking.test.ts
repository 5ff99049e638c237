import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fixturesDir, markerLine, topFrames, type JsonReport } from "./run-fixture.js";
import { startWatchedServer, type WatchedServer } from "./watched-server.js";

const patternsFile = `${fixturesDir}http-patterns.ts`;

/** Route name (also its `@line` marker) -> the user's function that blocks. */
const patterns = {
  busy: "spin",
  json: "serializeHuge",
  regex: "evilRegex",
  atomics: "sleepSync",
  pbkdf2: "hashPassword",
  readfile: "readBig",
  exec: "shellOut",
  dependency: "loadConfigSync",
} as const;

/** Blocks of the whole machine (other processes took the CPUs) are reported, rightly, as mostly runqueue wait. */
const ourFault = (report: JsonReport): boolean => report.class === null || report.class.runqueue < 0.5;

describe("watchdog over HTTP: an app's routes that block the event loop", () => {
  let server: WatchedServer;
  before(async () => {
    server = await startWatchedServer("http-app");
  });
  after(async () => {
    assert.equal(await server.stop(), 0, server.stderr());
  });

  it("starts its watchdog with the server, capturing stacks over the inspector", () => {
    const listening = server.events.find((event) => event.type === "listening")!;
    assert.deepEqual(listening["watchdog"], { running: true, capture: "inspector", debuggerAware: false });
  });

  for (const [name, fn] of Object.entries(patterns)) {
    it(`${name}: blames the request of GET /patterns/${name} and points at ${fn} in TypeScript`, async () => {
      const response = await fetch(`${server.url}/patterns/${name}`);
      assert.equal(response.status, 200);
      const { id } = (await response.json()) as { id: number };
      const report = await server.waitForReport((r) => r.request?.id === id && r.ended);
      assert.equal(report.thread, "main");
      assert.equal(report.attribution, "context");
      assert.equal(report.outsideRequest, false);
      assert.deepEqual(report.request, { id, method: "GET", url: `/patterns/${name}`, route: `/patterns/${name}` });
      const frame = report.frames.slice(0, 12).find((f) => f.fn === fn);
      assert.ok(frame, `${fn} not in the top frames: ${topFrames(report, 12)}`);
      assert.equal(frame.file, patternsFile);
      assert.equal(frame.line, markerLine(patternsFile, name), topFrames(report, 12));
      assert.equal(frame.unmapped, undefined);
      assert.ok(report.durationMs >= 100, `a block lasts at least the threshold, got ${report.durationMs}`);
    });
  }

  it("reports a timer that blocks after its request was answered as outside any request, left behind by it", async () => {
    const response = await fetch(`${server.url}/arm-timer`, { method: "POST" });
    assert.equal(response.status, 200);
    const { id } = (await response.json()) as { id: number };
    const report = await server.waitForReport((r) => r.ended && r.frames.some((f) => f.fn === "burnInTimer"));
    assert.equal(report.outsideRequest, true);
    assert.deepEqual(report.request, { id, method: "POST", url: "/arm-timer", route: "/arm-timer" });
    assert.equal(report.origin, "timer");
    const frame = report.frames.find((f) => f.fn === "burnInTimer")!;
    assert.equal(frame.line, markerLine(patternsFile, "timer"));
  });

  it("blames the blocking request while 40 others are in flight, and lists them", async () => {
    const fast = Array.from({ length: 40 }, (_, n) => fetch(`${server.url}/fast/${n}`).then((r) => r.json() as Promise<{ id: number }>));
    const blocking = fetch(`${server.url}/report`).then((r) => r.json() as Promise<{ id: number }>);
    const [{ id }, ...others] = await Promise.all([blocking, ...fast]);
    const report = await server.waitForReport((r) => r.ended && r.request?.route === "/report");
    assert.equal(report.request!.id, id);
    assert.equal(report.attribution, "context");
    assert.equal(report.frames.find((f) => f.fn === "buildReport")?.line, markerLine(patternsFile, "report"), topFrames(report));
    const fastIds = new Set(others.map((other) => other.id));
    assert.deepEqual(
      server.reports().filter((r) => r.request !== undefined && fastIds.has(r.request.id) && ourFault(r)),
      [],
      "a /fast request was blamed",
    );
    // Read by the watchdog thread from shared memory as the block was detected.
    const listed = report.inFlight ?? [];
    assert.ok(listed.some((entry) => entry.id === id && entry.request === `GET /report`), JSON.stringify(listed));
    assert.ok(listed.filter((entry) => entry.request.startsWith("GET /fast/")).length >= 10, JSON.stringify(listed));
  });

  it("reports nothing under steady async load", async () => {
    const before = server.reports().length;
    const until = performance.now() + 1500;
    let served = 0;
    const client = async (n: number): Promise<void> => {
      while (performance.now() < until) {
        const response = await fetch(`${server.url}/steady/${n}`);
        assert.equal(response.status, 200);
        await response.arrayBuffer();
        served++;
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, n) => client(n)));
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.ok(served > 100, `the load ran: ${served} requests`);
    assert.deepEqual(server.reports().slice(before).filter(ourFault), []);
  });
});
