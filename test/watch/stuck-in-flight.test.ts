import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startWatchedServer, type WatchedServer } from "./watched-server.js";

describe("watchdog: a loop stuck in a native call, with other requests in flight", () => {
  let server: WatchedServer;
  before(async () => {
    server = await startWatchedServer("stuck-app");
  });
  after(async () => {
    await server.stop();
  });

  it("writes from its own thread what was in flight and which upstream call each one waited for", async () => {
    const waiting = fetch(`${server.url}/wait`);
    // Until the first request waits on its upstream call, nothing is in flight to list.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stuck = (await (await fetch(`${server.url}/stuck`)).json()) as { id: number };
    const early = await server.waitForReport((r) => !r.ended && r.request?.id === stuck.id);
    assert.equal(early.attribution, "slot", "no JavaScript ran on the stuck thread: the last request to enter a handler is named");
    const listed = early.inFlight ?? [];
    const stuckEntry = listed.find((entry) => entry.id === stuck.id);
    assert.equal(stuckEntry?.request, "GET /stuck");
    const waiter = listed.find((entry) => entry.request === "GET /wait");
    assert.ok(waiter, JSON.stringify(listed));
    assert.match(waiter.outbound?.call ?? "", /^GET http:\/\/127\.0\.0\.1:\d+\/quotes\?symbol=ACME$/);
    assert.ok(waiter.ageMs > stuckEntry!.ageMs, "oldest first");
    // Written to stderr by the watchdog thread while the main thread could not write anything.
    assert.match(server.stderr(), new RegExp(`BLOCKED [\\d.]+ s so far, still blocked, in GET /stuck \\(req ${stuck.id}\\)`));
    assert.match(server.stderr(), /\n {2}in flight: req \d+ GET \/wait, [\d.]+ (s|ms), waiting [\d.]+ (s|ms) for GET http:\/\/127\.0\.0\.1:\d+\/quotes\?symbol=ACME\n/);
    const final = await server.waitForReport((r) => r.ended && r.blockId === early.blockId);
    assert.equal(final.attribution, "context");
    assert.deepEqual(final.inFlight, early.inFlight, "both reports list what was in flight at detection");
    await waiting.then((r) => r.arrayBuffer()).catch(() => undefined);
  });
});
