// The two server options the CLI added to app.serve(): limitConcurrency and accessLog, on a real
// socket in this process.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { z } from "zod";
import { App, type RunningServer } from "loopwise";
import { rawRequest } from "../support/raw-http.js";
import { get } from "./cli-process.js";

/** A pino logger whose lines land in an array. */
function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

describe("app.serve({ limitConcurrency, accessLog })", () => {
  const servers: RunningServer[] = [];
  after(() => Promise.all(servers.map((server) => server.close())));

  it("limitConcurrency: 503 + Retry-After beyond the limit, closing a connection whose body was not read", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = 0;
    const app = new App({ logger: false });
    app.get("/hold", async () => {
      entered++;
      await gate;
      return { held: true };
    });
    app.post("/items", { body: z.object({ name: z.string() }) }, ({ body }) => body);
    const server = await app.serve({ port: 0, handleSignals: false, limitConcurrency: 1 });
    servers.push(server);
    const held = get(`${server.url}/hold`);
    while (entered === 0) await sleep(5);
    const refused = await get(`${server.url}/hold`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers["retry-after"], "1");
    // A POST whose body the server never reads must not leave that body on a kept-alive connection.
    const raw = await rawRequest(
      server.port,
      'POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":',
    );
    assert.match(raw, /^HTTP\/1\.1 503 /);
    assert.match(raw, /connection: close/i);
    release();
    assert.equal((await held).status, 200);
    assert.equal((await get(`${server.url}/hold`)).status, 200, "below the limit again");
  });

  it("limitConcurrency must be a positive integer", async () => {
    const app = new App({ logger: false });
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(app.serve({ port: 0, handleSignals: false, limitConcurrency: limit }), RangeError);
    }
  });

  it("accessLog: one line per request with client, request line, status and time; 499 when the client left", async () => {
    const { logger, lines } = memoryLogger();
    const app = new App({ logger });
    app.get("/items/{id}", { path: { id: z.number() } }, ({ path }) => ({ id: path.id }));
    let waiting = false;
    app.get("/never", async ({ signal }) => {
      waiting = true;
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      return {};
    });
    const server = await app.serve({ port: 0, handleSignals: false, accessLog: true });
    servers.push(server);
    await get(`${server.url}/items/7?q=%22quoted%22`);
    await get(`${server.url}/items/nope`);
    const controller = new AbortController();
    const abandoned = fetch(`${server.url}/never`, { signal: controller.signal }).catch(() => undefined);
    while (!waiting) await sleep(5);
    controller.abort();
    await abandoned;
    const access = () => lines.filter((line) => line["event"] === "access");
    while (access().length < 3) await sleep(10);
    const [ok, invalid, gone] = access();
    assert.match(String(ok!["msg"]), /^127\.0\.0\.1:\d+ - "GET \/items\/7\?q=%22quoted%22 HTTP\/1\.1" 200 [\d.]+ ms(?: \(.*\))?$/);
    assert.equal(ok!["status"], 200);
    assert.equal(invalid!["status"], 422);
    assert.equal(gone!["status"], 499);
    assert.match(String(gone!["msg"]), /"GET \/never HTTP\/1\.1" 499 \(client gone\)/);
  });
});
