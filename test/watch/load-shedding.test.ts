import assert from "node:assert/strict";
import { request } from "node:http";
import { describe, it } from "node:test";
import type { App } from "../../src/index.js";
import { delayApp, inFlightApp, poolApp, releaseHeld } from "../fixtures/watch/shedding-app.js";

async function serving<T>(app: App, run: (url: string) => Promise<T>): Promise<T> {
  const server = await app.serve({ port: 0, handleSignals: false });
  try {
    return await run(server.url);
  } finally {
    await server.close();
  }
}

/** A request on a connection of its own (not pooled behind the others). */
function send(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent: false, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, retryAfter: res.headers["retry-after"], body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("load shedding: 503 with Retry-After beyond a limit", () => {
  it("refuses new requests while too many are in flight, serves exempt paths, and recovers", async () => {
    await serving(inFlightApp, async (url) => {
      const held = [send(url, "/hold"), send(url, "/hold")];
      for (let i = 0; i < 100 && inFlightApp.watch!.inFlightCount < 2; i++) await sleep(10);
      const refused = await send(url, "/hold");
      assert.equal(refused.status, 503);
      assert.equal(refused.retryAfter, "3");
      assert.deepEqual(JSON.parse(refused.body), { detail: "Service Unavailable: too many requests in flight" });
      assert.equal((await send(url, "/health")).status, 200);
      releaseHeld();
      assert.deepEqual((await Promise.all(held)).map((r) => r.status), [200, 200]);
      assert.equal((await send(url, "/health")).status, 200);
      const again = send(url, "/hold");
      for (let i = 0; i < 100 && inFlightApp.watch!.inFlightCount < 1; i++) await sleep(10);
      releaseHeld();
      assert.equal((await again).status, 200, "served again once requests finished");
    });
  });

  it("refuses while the event loop runs late after a block; an exempt probe still gets through", async () => {
    await serving(delayApp, async (url) => {
      const blocking = send(url, "/block");
      await sleep(150);
      // These connect while the loop is blocked and are read after it: by then it knows it ran late.
      const [late, probe] = await Promise.all([send(url, "/"), send(url, "/", { "x-probe": "1" })]);
      assert.equal((await blocking).status, 200);
      assert.equal(late.status, 503);
      assert.equal(late.retryAfter, "1");
      assert.equal(probe.status, 200);
      // Served again once the loop is on time (on a busy machine that may take a few checks).
      let status = 0;
      for (let i = 0; i < 30 && status !== 200; i++) {
        await sleep(100);
        status = (await send(url, "/")).status;
      }
      assert.equal(status, 200, "served again once the loop is on time");
    });
  });

  it("refuses while too many thread-lane calls wait for a thread", async () => {
    await serving(poolApp, async (url) => {
      const work = [send(url, "/work"), send(url, "/work"), send(url, "/work")];
      await sleep(250);
      assert.equal((await send(url, "/")).status, 503);
      assert.deepEqual((await Promise.all(work)).map((r) => r.status), [200, 200, 200]);
      let status = 0;
      for (let i = 0; i < 30 && status !== 200; i++) {
        await sleep(100);
        status = (await send(url, "/")).status;
      }
      assert.equal(status, 200, "served again once the queue is empty");
    });
  });
});
