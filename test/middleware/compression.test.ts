import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { App, compression, FileResponse, PlainTextResponse, Response, SSEResponse, StreamingResponse, type RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { negotiateCoding } from "../../src/middleware/accept-encoding.js";
import { rawConnection, serve, waitFor } from "../streaming/helpers.js";

const big = "loopwise ".repeat(500);

describe("Accept-Encoding negotiation", () => {
  it("picks the highest q-value, ties by our preference, * for the rest, q=0 excludes", () => {
    const ours = ["br", "gzip"] as const;
    assert.equal(negotiateCoding("gzip, deflate, br", ours), "br");
    assert.equal(negotiateCoding("gzip;q=1.0, br;q=0.5", ours), "gzip");
    assert.equal(negotiateCoding("br;q=0, gzip", ours), "gzip");
    assert.equal(negotiateCoding("*", ours), "br");
    assert.equal(negotiateCoding("*;q=0.5, br;q=0", ours), "gzip");
    assert.equal(negotiateCoding("identity", ours), undefined);
    assert.equal(negotiateCoding("gzip;q=0", ours), undefined);
    assert.equal(negotiateCoding("GZIP", ours), "gzip");
    assert.equal(negotiateCoding("gzip;q=abc", ours), undefined, "an invalid q counts as 0");
    assert.equal(negotiateCoding("gzip;q=2", ours), undefined);
    assert.equal(negotiateCoding("gzip, gzip;q=0", ours), undefined, "a repeated coding: the most restrictive wins");
    assert.equal(negotiateCoding("", ours), undefined);
    assert.equal(negotiateCoding(undefined, ours), undefined);
    assert.equal(negotiateCoding(",,;;,=", ours), undefined);
  });
});

describe("compression", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "loopwise-gzip-"));
  writeFileSync(path.join(dir, "page.html"), big);
  const app = new App({ logger: false });
  app.use(compression({ minimumSize: 100 }));
  app.get("/text", () => new PlainTextResponse(big));
  app.get("/json", () => ({ items: Array.from({ length: 100 }, (_, i) => ({ i, name: "item" })) }));
  app.get("/small", () => new PlainTextResponse("tiny"));
  app.get("/png", () => new Response(Buffer.alloc(5000), { mediaType: "image/png" }));
  app.get("/svg", () => new Response(`<svg>${"<g/>".repeat(200)}</svg>`, { mediaType: "image/svg+xml" }));
  app.get("/encoded", () => new Response(Buffer.alloc(1000), { headers: { "content-encoding": "identity-custom" }, mediaType: "text/plain" }));
  app.get("/file", () => new FileResponse(path.join(dir, "page.html")));
  app.get("/sse", () => new SSEResponse((async function* () { yield big; })(), { ping: false }));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  app.get("/stream", () =>
    new StreamingResponse(
      (async function* () {
        yield "first line of a long stream\n".repeat(10);
        await released;
        yield "second\n";
      })(),
      { mediaType: "text/plain" },
    ),
  );
  const client = new TestClient(app);
  let server: RunningServer;
  before(async () => {
    server = await serve(app);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("brotli or gzip by Accept-Encoding, with Content-Length, Vary and the original bytes", async () => {
    const br = await client.get("/text", { headers: { "accept-encoding": "gzip, br" } });
    assert.equal(br.header("content-encoding"), "br");
    assert.equal(br.header("vary"), "Accept-Encoding");
    assert.equal(Number(br.header("content-length")), br.body.length);
    assert.ok(br.body.length < big.length / 10);
    assert.equal(zlib.brotliDecompressSync(br.body).toString(), big);
    const gz = await client.get("/json", { headers: { "accept-encoding": "gzip" } });
    assert.equal(gz.header("content-encoding"), "gzip");
    assert.equal(JSON.parse(zlib.gunzipSync(gz.body).toString()).items.length, 100);
  });

  it("leaves alone: no Accept-Encoding, small bodies, compressed media types, existing encodings, HEAD", async () => {
    const plain = await client.get("/text");
    assert.equal(plain.header("content-encoding"), undefined);
    assert.equal(plain.header("vary"), "Accept-Encoding", "caches must still know the answer varies");
    assert.equal(plain.text, big);
    assert.equal((await client.get("/small", { headers: { "accept-encoding": "gzip" } })).header("content-encoding"), undefined);
    const png = await client.get("/png", { headers: { "accept-encoding": "gzip" } });
    assert.equal(png.header("content-encoding"), undefined);
    assert.equal(png.header("vary"), undefined);
    assert.equal((await client.get("/svg", { headers: { "accept-encoding": "gzip" } })).header("content-encoding"), "gzip", "SVG is text");
    assert.equal((await client.get("/encoded", { headers: { "accept-encoding": "gzip" } })).header("content-encoding"), "identity-custom");
    const head = await client.head("/text", { headers: { "accept-encoding": "gzip" } });
    assert.equal(head.header("content-encoding"), undefined);
  });

  it("never compresses Server-Sent Events", async () => {
    const res = await client.get("/sse", { headers: { "accept-encoding": "gzip, br" } });
    assert.equal(res.header("content-encoding"), undefined);
    assert.ok(res.text.startsWith("data: loopwise"));
  });

  it("compresses a file as a stream, weakens its ETag, and leaves ranges alone", async () => {
    const res = await client.get("/file", { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.header("content-encoding"), "gzip");
    assert.equal(res.header("content-length"), undefined);
    assert.match(res.header("etag")!, /^W\/"/);
    assert.equal(zlib.gunzipSync(res.body).toString(), big);
    const range = await client.get("/file", { headers: { "accept-encoding": "gzip", range: "bytes=0-7" } });
    assert.equal(range.status, 206);
    assert.equal(range.header("content-encoding"), undefined);
    assert.equal(range.text, "loopwise");
  });

  it("a compressed stream is flushed chunk by chunk: the client reads the first part before the rest exists", async () => {
    const conn = rawConnection(server.port, "GET /stream HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
    const firstPart = () => {
      const raw = conn.received();
      const split = raw.indexOf("\r\n\r\n");
      if (split === -1) return "";
      const chunks: Buffer[] = [];
      let rest = raw.subarray(split + 4);
      for (;;) {
        const eol = rest.indexOf("\r\n");
        if (eol === -1) break;
        const size = parseInt(rest.subarray(0, eol).toString(), 16);
        if (!(size > 0) || rest.length < eol + 2 + size) break;
        chunks.push(rest.subarray(eol + 2, eol + 2 + size));
        rest = rest.subarray(eol + 4 + size);
      }
      try {
        return zlib.gunzipSync(Buffer.concat(chunks), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString();
      } catch {
        return "";
      }
    };
    await waitFor(() => firstPart().includes("first line"), "the first part, decompressible on its own");
    assert.match(conn.received().toString("latin1"), /content-encoding: gzip/i);
    release();
    await waitFor(() => conn.received().toString("latin1").endsWith("0\r\n\r\n"), "the end of the stream");
    assert.ok(firstPart().endsWith("second\n"));
    conn.socket.destroy();
  });

  it("over a socket, fetch decompresses what it asked for", async () => {
    const res = await fetch(`${server.url}/text`, { headers: { "accept-encoding": "br" } });
    assert.equal(res.headers.get("content-encoding"), "br");
    assert.equal(await res.text(), big);
  });
});
