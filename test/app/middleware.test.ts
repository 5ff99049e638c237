import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { App, HTTPException, PlainTextResponse, processTime } from "loopwise";
import { TestClient } from "loopwise/testing";

describe("middleware", () => {
  it("runs as an onion in registration order, also around 404s", async () => {
    const app = new App({ logger: false });
    const order: string[] = [];
    app.use(async (_req, next) => {
      order.push("outer in");
      const res = await next();
      order.push("outer out");
      res.headers["x-outer"] = "1";
      return res;
    });
    app.use(async (_req, next) => {
      order.push("inner in");
      const res = await next();
      order.push("inner out");
      return res;
    });
    app.get("/", () => {
      order.push("handler");
      return "ok";
    });
    const client = new TestClient(app);
    const res = await client.get("/");
    assert.deepEqual(order, ["outer in", "inner in", "handler", "inner out", "outer out"]);
    assert.equal(res.header("x-outer"), "1");
    assert.equal((await client.get("/missing")).header("x-outer"), "1");
  });

  it("can answer early without calling next", async () => {
    const app = new App({ logger: false });
    app.use(async (req, next) => (req.headers["x-block"] ? new PlainTextResponse("blocked", { status: 403 }) : next()));
    app.get("/", () => "ok");
    const client = new TestClient(app);
    assert.equal((await client.get("/", { headers: { "x-block": "1" } })).status, 403);
    assert.equal((await client.get("/")).status, 200);
  });

  it("sees HTTPException responses; unexpected errors pass through it to the 500 handler", async () => {
    const app = new App({ logger: false });
    const seen: number[] = [];
    app.use(async (_req, next) => {
      const res = await next();
      seen.push(res.status);
      return res;
    });
    app.get("/http", () => {
      throw new HTTPException(409, "conflict");
    });
    app.get("/crash", () => {
      throw new Error("x");
    });
    const client = new TestClient(app);
    assert.equal((await client.get("/http")).status, 409);
    assert.equal((await client.get("/crash")).status, 500);
    assert.deepEqual(seen, [409]);
  });

  it("processTime() adds X-Process-Time in seconds and a Server-Timing entry", async () => {
    const app = new App({ logger: false });
    app.use(processTime());
    app.get("/", () => "ok");
    const res = await new TestClient(app).get("/");
    assert.match(res.header("x-process-time") ?? "", /^\d+\.\d{6}$/);
    // Other entries (the always-on request profile's phases) may stand beside ours.
    const entries = (res.header("server-timing") ?? "").split(/\s*,\s*/);
    assert.equal(entries.filter((e) => /^app;dur=\d+\.\d{3}$/.test(e)).length, 1, entries.join(", "));
  });
});
