import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { StreamingResponse, type RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { appWithLogs, rawConnection, serve } from "./helpers.js";

describe("StreamingResponse and JSON Lines", () => {
  const { app, lines } = appWithLogs();
  app.get("/text", () =>
    new StreamingResponse(
      (async function* () {
        yield "one\n";
        yield new TextEncoder().encode("two\n");
        yield "";
        yield "three\n";
      })(),
      { mediaType: "text/plain; charset=utf-8", headers: { "x-kind": "async" } },
    ),
  );
  app.get("/sync", () => new StreamingResponse(["a", "b", new Uint8Array([99])], { mediaType: "text/plain" }));
  const Item = z.object({ n: z.number().int() });
  app.get("/items", { response: Item }, async function* () {
    yield { n: 1, secret: "dropped" } as any;
    yield { n: 2 };
  });
  app.get("/sync-items", { response: Item }, function* () {
    yield { n: 1 };
    yield { n: 2, extra: true } as any;
  });
  app.get("/array", () => [{ n: 1 }]);
  app.get("/items-bad", { response: Item }, async function* () {
    yield { n: 1 };
    yield { n: "two" } as any;
    yield { n: 3 };
  });
  // A generator's body runs only when streaming starts: set headers before returning it.
  app.get("/items-status", { status: 201 }, async ({ res }) => {
    res.headers["x-total"] = "2";
    return (async function* () {
      yield "plain string";
      yield null;
    })();
  });
  app.get("/throws", () =>
    new StreamingResponse(
      (async function* () {
        yield "before\n";
        throw new Error("producer failed");
      })(),
    ),
  );
  const client = new TestClient(app);
  let server: RunningServer;
  before(async () => {
    server = await serve(app);
  });
  after(() => server.close());

  it("streams async chunks of text and bytes, in order, skipping empty ones", async () => {
    const res = await client.get("/text");
    assert.equal(res.status, 200);
    assert.equal(res.text, "one\ntwo\nthree\n");
    assert.equal(res.header("x-kind"), "async");
    assert.equal(res.header("content-length"), undefined);
  });

  it("streams over a socket with chunked transfer encoding", async () => {
    const res = await fetch(`${server.url}/text`);
    assert.equal(res.headers.get("transfer-encoding"), "chunked");
    assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(await res.text(), "one\ntwo\nthree\n");
  });

  it("accepts a sync iterable of chunks", async () => {
    assert.equal((await client.get("/sync")).text, "abc");
    assert.equal(await (await fetch(`${server.url}/sync`)).text(), "abc");
  });

  it("an async iterable of values is JSON Lines, each item validated and filtered by `response`", async () => {
    for (const res of [await client.get("/items"), await fetch(`${server.url}/items`)]) {
      const contentType = res instanceof Response ? res.headers.get("content-type") : res.header("content-type");
      assert.equal(contentType, "application/jsonl");
      const text = res instanceof Response ? await res.text() : res.text;
      assert.deepEqual(text.split("\n"), ['{"n":1}', '{"n":2}', ""]);
    }
  });

  it("a sync generator handler streams JSON Lines too; an array stays one JSON value", async () => {
    assert.equal((await client.get("/sync-items")).text, '{"n":1}\n{"n":2}\n');
    assert.equal((await client.get("/sync-items")).header("content-type"), "application/jsonl");
    assert.equal(await (await fetch(`${server.url}/sync-items`)).text(), '{"n":1}\n{"n":2}\n');
    assert.equal((await client.get("/array")).text, '[{"n":1}]');
  });

  it("keeps the status and headers a handler set, and encodes any JSON value", async () => {
    const res = await client.get("/items-status");
    assert.equal(res.status, 201);
    assert.equal(res.header("x-total"), "2");
    assert.equal(res.text, '"plain string"\nnull\n');
  });

  it("an item failing the response schema cuts the stream after the valid ones, and is logged", async () => {
    const conn = rawConnection(server.port, "GET /items-bad HTTP/1.1\r\nHost: x\r\n\r\n");
    await conn.closed;
    const raw = conn.received().toString("latin1");
    assert.match(raw, /^HTTP\/1\.1 200 OK/);
    assert.ok(raw.includes('{"n":1}\n'));
    assert.ok(!raw.includes("{\"n\":3}"), "nothing after the bad item");
    assert.ok(!raw.endsWith("0\r\n\r\n"), "no terminating chunk: the client can tell the stream is incomplete");
    assert.ok(lines.some((l) => l.err?.type === "ResponseValidationError"));
    const inProcess = await client.get("/items-bad");
    assert.equal(inProcess.text, '{"n":1}\n');
  });

  it("a producer that throws cuts the connection instead of ending it cleanly", async () => {
    const conn = rawConnection(server.port, "GET /throws HTTP/1.1\r\nHost: x\r\n\r\n");
    await conn.closed;
    const raw = conn.received().toString("latin1");
    assert.ok(raw.includes("before\n"));
    assert.ok(!raw.endsWith("0\r\n\r\n"));
    assert.ok(lines.some((l) => l.err?.message === "producer failed"));
  });
});
