import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { App, SSEResponse, ServerSentEvent, type RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { encodeServerSentEvent } from "../../src/responses/sse.js";
import { rawConnection, serve, waitFor } from "./helpers.js";

describe("Server-Sent Events encoding", () => {
  it("writes each field on its own line and ends the event with a blank line", () => {
    const event = new ServerSentEvent({ event: "update", id: "7", retry: 3000, comment: "hello" });
    assert.equal(encodeServerSentEvent(event, "payload"), ": hello\nevent: update\nid: 7\nretry: 3000\ndata: payload\n\n");
  });

  it("splits multi-line data and comments on every kind of line break, so no line can forge a field", () => {
    const event = new ServerSentEvent({ comment: "a\nb" });
    assert.equal(encodeServerSentEvent(event, "one\ntwo\r\nthree\rfour\n\nevent: forged"), ": a\n: b\ndata: one\ndata: two\ndata: three\ndata: four\ndata: \ndata: event: forged\n\n");
  });

  it("an empty string is an event with empty data; no data is a comment-only block", () => {
    assert.equal(encodeServerSentEvent(new ServerSentEvent({}), ""), "data: \n\n");
    assert.equal(encodeServerSentEvent(new ServerSentEvent({ comment: "keep" }), undefined), ": keep\n\n");
  });

  it("refuses an event type or id that would break the framing, and a bad retry", () => {
    assert.throws(() => new ServerSentEvent({ event: "a\nretry: 1" }), /line break/);
    assert.throws(() => new ServerSentEvent({ event: "a\rb" }), /line break/);
    assert.throws(() => new ServerSentEvent({ id: "1\n" }), /line break or NUL/);
    assert.throws(() => new ServerSentEvent({ id: "1\0" }), /line break or NUL/);
    assert.throws(() => new ServerSentEvent({ retry: -1 }), /retry/);
    assert.throws(() => new ServerSentEvent({ retry: 1.5 }), /retry/);
  });
});

describe("SSEResponse and the sse route option", () => {
  const app = new App({ logger: false });
  app.get("/events", () =>
    new SSEResponse(
      (async function* () {
        yield "hello";
        yield { n: 1 };
        yield new ServerSentEvent({ event: "done", id: "2", data: "bye\nnow" });
      })(),
    ),
  );
  const Price = z.object({ symbol: z.string(), price: z.number() });
  app.get(
    "/prices",
    { sse: true, response: Price, headers: { last_event_id: z.number().int().optional() } },
    async function* ({ headers }) {
      const from = (headers.last_event_id ?? 0) + 1;
      for (let id = from; id <= 3; id++) yield new ServerSentEvent({ id: String(id), data: { symbol: "ACME", price: id, extra: "dropped" } });
    },
  );
  app.get("/prices-bad", { sse: true, response: Price }, async function* () {
    yield { symbol: "A", price: 1 };
    yield { symbol: "B", price: "free" } as any;
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  app.get("/quiet", () =>
    new SSEResponse(
      (async function* () {
        yield "first";
        await released;
        yield "last";
      })(),
      { ping: 20 },
    ),
  );
  let stopped = false;
  app.get("/forever", { sse: { ping: 20 } }, async function* ({ signal }) {
    try {
      yield "open";
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
    } finally {
      stopped = true;
    }
  });
  const client = new TestClient(app);
  let server: RunningServer;
  before(async () => {
    server = await serve(app);
  });
  after(() => server.close());

  it("sends text/event-stream with the headers proxies need, strings as is and values as JSON", async () => {
    const expected = 'data: hello\n\ndata: {"n":1}\n\nevent: done\nid: 2\ndata: bye\ndata: now\n\n';
    const res = await client.get("/events");
    assert.equal(res.header("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(res.header("cache-control"), "no-cache");
    assert.equal(res.header("x-accel-buffering"), "no");
    assert.equal(res.text, expected);
    const socketRes = await fetch(`${server.url}/events`);
    assert.equal(socketRes.headers.get("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(socketRes.headers.get("cache-control"), "no-cache");
    assert.equal(socketRes.headers.get("x-accel-buffering"), "no");
    assert.equal(await socketRes.text(), expected);
  });

  it("with `sse: true`, each event's data is validated and filtered by `response`", async () => {
    const res = await client.get("/prices");
    assert.equal(res.header("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(
      res.text,
      ["1", "2", "3"].map((id) => `id: ${id}\ndata: {"symbol":"ACME","price":${id}}\n\n`).join(""),
    );
  });

  it("Last-Event-ID reaches the handler as a header parameter, to resume after a reconnect", async () => {
    const res = await client.get("/prices", { headers: { "Last-Event-ID": "2" } });
    assert.equal(res.text, 'id: 3\ndata: {"symbol":"ACME","price":3}\n\n');
    const bad = await client.get("/prices", { headers: { "Last-Event-ID": "x" } });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.json().detail[0].loc, ["header", "last-event-id"]);
  });

  it("an event failing the schema ends the stream after the valid ones", async () => {
    const conn = rawConnection(server.port, "GET /prices-bad HTTP/1.1\r\nHost: x\r\n\r\n");
    await conn.closed;
    const raw = conn.received().toString();
    assert.ok(raw.includes('data: {"symbol":"A","price":1}'));
    assert.ok(!raw.includes('"B"'));
    assert.ok(!raw.endsWith("0\r\n\r\n"));
  });

  it("sends `: ping` comments while the producer is silent, and goes on when it speaks again", async () => {
    const conn = rawConnection(server.port, "GET /quiet HTTP/1.1\r\nHost: x\r\n\r\n");
    await waitFor(() => conn.received().toString().includes(": ping\n\n"), "a keep-alive ping");
    release();
    await waitFor(() => conn.received().toString().includes("data: last\n\n"), "the last event");
    await waitFor(() => conn.received().toString().endsWith("0\r\n\r\n"), "the end of the stream");
    const body = conn.received().toString();
    assert.ok(body.indexOf("data: first") < body.indexOf(": ping") && body.indexOf(": ping") < body.indexOf("data: last"));
    conn.socket.destroy();
  });

  it("a client that leaves is noticed at the next ping, and the handler's signal aborts", async () => {
    const conn = rawConnection(server.port, "GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
    await waitFor(() => conn.received().toString().includes("data: open"), "the first event");
    conn.socket.destroy();
    await waitFor(() => stopped, "the producer's finally");
  });
});
