import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { App, FileResponse, type RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { pino } from "pino";
import { rawConnection, serve } from "../streaming/helpers.js";

describe("FileResponse", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "loopwise-files-"));
  const content = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const file = path.join(dir, "data.bin");
  writeFileSync(file, content);
  const mtime = new Date("2024-05-01T10:00:00Z");
  utimesSync(file, mtime, mtime);
  writeFileSync(path.join(dir, "notes.txt"), "hello notes\n");
  writeFileSync(path.join(dir, "empty.txt"), "");
  const changing = path.join(dir, "changing.txt");
  writeFileSync(changing, "version one, quite long");

  const errors: any[] = [];
  const app = new App({ logger: pino({ level: "error" }, { write: (s: string) => errors.push(JSON.parse(s)) }) });
  app.get("/data", () => new FileResponse(file));
  app.get("/notes", () => new FileResponse(path.join(dir, "notes.txt")));
  app.get("/empty", () => new FileResponse(path.join(dir, "empty.txt")));
  app.get("/download", () => new FileResponse(path.join(dir, "notes.txt"), { filename: "Résumé 2024.txt" }));
  app.get("/inline", () => new FileResponse(path.join(dir, "notes.txt"), { filename: "notes.txt", contentDispositionType: "inline", mediaType: "text/x-custom" }));
  app.get("/missing", () => new FileResponse(path.join(dir, "nope.txt")));
  app.get("/directory", () => new FileResponse(dir));
  app.get("/small-chunks", () => new FileResponse(file, { chunkSize: 7 }));
  const staleStat = statSync(changing);
  app.get("/changed", () => new FileResponse(changing, { stat: staleStat }));
  app.get("/from-middleware-only", () => ({ replaced: false }));
  app.use(async (req, next) => (req.path === "/from-middleware-only" ? new FileResponse(path.join(dir, "notes.txt")) : next()));

  const client = new TestClient(app);
  let server: RunningServer;
  before(async () => {
    server = await serve(app);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends the file with length, type, validators and Accept-Ranges", async () => {
    const res = await client.get("/data");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, content);
    assert.equal(res.header("content-length"), "256");
    assert.equal(res.header("content-type"), "application/octet-stream");
    assert.equal(res.header("accept-ranges"), "bytes");
    assert.equal(res.header("last-modified"), "Wed, 01 May 2024 10:00:00 GMT");
    assert.match(res.header("etag")!, /^"[0-9a-f]+-100"$/);
    const notes = await client.get("/notes");
    assert.equal(notes.header("content-type"), "text/plain; charset=utf-8");
    assert.equal(notes.text, "hello notes\n");
  });

  it("over a socket: the same bytes with Content-Length, read in small chunks too", async () => {
    for (const route of ["/data", "/small-chunks"]) {
      const res = await fetch(`${server.url}${route}`);
      assert.equal(res.headers.get("content-length"), "256");
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), content);
    }
  });

  it("HEAD sends the headers and no body", async () => {
    const res = await client.head("/data");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-length"), "256");
    assert.equal(res.body.length, 0);
    const conn = rawConnection(server.port, "HEAD /data HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    await conn.closed;
    const raw = conn.received().toString("latin1");
    assert.match(raw, /content-length: 256\r\n/i);
    assert.ok(raw.endsWith("\r\n\r\n"), "nothing after the headers");
  });

  it("If-None-Match and If-Modified-Since give 304 with the validators and no body", async () => {
    const etag = (await client.get("/data")).header("etag")!;
    const conditions: Record<string, string>[] = [{ "if-none-match": etag }, { "if-none-match": `W/${etag}` }, { "if-none-match": `"zzz", ${etag}` }, { "if-modified-since": "Wed, 01 May 2024 10:00:00 GMT" }];
    for (const headers of conditions) {
      const res = await client.get("/data", { headers });
      assert.equal(res.status, 304, JSON.stringify(headers));
      assert.equal(res.body.length, 0);
      assert.equal(res.header("etag"), etag);
      assert.equal(res.header("content-type"), undefined);
    }
    assert.equal((await client.get("/data", { headers: { "if-none-match": '"stale"' } })).status, 200);
    assert.equal((await client.get("/data", { headers: { "if-modified-since": "Tue, 30 Apr 2024 10:00:00 GMT" } })).status, 200);
    const socket304 = await fetch(`${server.url}/data`, { headers: { "if-none-match": etag } });
    assert.equal(socket304.status, 304);
  });

  it("a single range is a 206 with Content-Range", async () => {
    const cases: [string, number, number][] = [
      ["bytes=0-9", 0, 9],
      ["bytes=250-", 250, 255],
      ["bytes=-6", 250, 255],
      ["bytes=100-99999999999999999999999999999", 100, 255],
    ];
    for (const [range, start, end] of cases) {
      const res = await client.get("/data", { headers: { range } });
      assert.equal(res.status, 206, range);
      assert.equal(res.header("content-range"), `bytes ${start}-${end}/256`);
      assert.equal(res.header("content-length"), String(end - start + 1));
      assert.deepEqual(res.body, content.subarray(start, end + 1));
    }
    const socketRes = await fetch(`${server.url}/small-chunks`, { headers: { range: "bytes=3-40" } });
    assert.equal(socketRes.status, 206);
    assert.deepEqual(Buffer.from(await socketRes.arrayBuffer()), content.subarray(3, 41));
  });

  it("several ranges are a multipart/byteranges body whose parts and length add up", async () => {
    const res = await client.get("/data", { headers: { range: "bytes=0-1, 10-12, -2" } });
    assert.equal(res.status, 206);
    const boundary = /^multipart\/byteranges; boundary=([0-9a-f]+)$/.exec(res.header("content-type")!)?.[1];
    assert.ok(boundary);
    assert.equal(res.header("content-range"), undefined);
    assert.equal(Number(res.header("content-length")), res.body.length);
    const text = res.body.toString("latin1");
    const parts = text.split(`--${boundary}`);
    assert.equal(parts[0], "");
    assert.equal(parts.at(-1), "--\r\n");
    const bodies = parts.slice(1, -1).map((part) => {
      const [head, body] = part.split("\r\n\r\n");
      return { range: /content-range: (.*)/.exec(head!)![1], type: /content-type: (.*)/.exec(head!)![1], body: body!.replace(/\r\n$/, "") };
    });
    assert.deepEqual(bodies, [
      { range: "bytes 0-1/256", type: "application/octet-stream", body: content.subarray(0, 2).toString("latin1") },
      { range: "bytes 10-12/256", type: "application/octet-stream", body: content.subarray(10, 13).toString("latin1") },
      { range: "bytes 254-255/256", type: "application/octet-stream", body: content.subarray(254, 256).toString("latin1") },
    ]);
    const socketRes = await fetch(`${server.url}/data`, { headers: { range: "bytes=0-1, 10-12, -2" } });
    assert.equal(Number(socketRes.headers.get("content-length")), (await socketRes.arrayBuffer()).byteLength);
  });

  it("overlapping ranges collapse into one", async () => {
    const res = await client.get("/data", { headers: { range: "bytes=0-5, 3-8, 8-9" } });
    assert.equal(res.header("content-range"), "bytes 0-9/256");
  });

  it("a range past the end is 416 with Content-Range bytes */size", async () => {
    for (const range of ["bytes=256-", "bytes=99999999999999999999999-", "bytes=300-400, 500-"]) {
      const res = await client.get("/data", { headers: { range } });
      assert.equal(res.status, 416, range);
      assert.equal(res.header("content-range"), "bytes */256");
      assert.equal(res.body.length, 0);
    }
    assert.equal((await fetch(`${server.url}/data`, { headers: { range: "bytes=999-" } })).status, 416);
  });

  it("a malformed range is ignored: the whole file", async () => {
    for (const range of ["bytes=abc", "bytes=9-1", "lines=1-2", "bytes=-", `bytes=${"1-1,".repeat(200)}`]) {
      const res = await client.get("/data", { headers: { range } });
      assert.equal(res.status, 200, range);
      assert.equal(res.body.length, 256);
    }
  });

  it("If-Range: a current ETag allows the range, a stale one gets the whole file", async () => {
    const etag = (await client.get("/data")).header("etag")!;
    assert.equal((await client.get("/data", { headers: { range: "bytes=0-0", "if-range": etag } })).status, 206);
    assert.equal((await client.get("/data", { headers: { range: "bytes=0-0", "if-range": '"old"' } })).status, 200);
    assert.equal((await client.get("/data", { headers: { range: "bytes=0-0", "if-range": "Wed, 01 May 2024 10:00:00 GMT" } })).status, 206);
  });

  it("HEAD ignores Range", async () => {
    const res = await client.head("/data", { headers: { range: "bytes=0-0" } });
    assert.equal(res.status, 200);
    assert.equal(res.header("content-length"), "256");
  });

  it("Content-Disposition: attachment with a UTF-8 name, or inline", async () => {
    const res = await client.get("/download");
    assert.equal(res.header("content-disposition"), `attachment; filename="R_sum_ 2024.txt"; filename*=UTF-8''R%C3%A9sum%C3%A9%202024.txt`);
    assert.equal(res.header("content-type"), "text/plain; charset=utf-8");
    const inline = await client.get("/inline");
    assert.equal(inline.header("content-disposition"), 'inline; filename="notes.txt"');
    assert.equal(inline.header("content-type"), "text/x-custom");
  });

  it("an empty file is a 200 with Content-Length 0", async () => {
    const res = await client.get("/empty");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-length"), "0");
    assert.equal((await fetch(`${server.url}/empty`)).headers.get("content-length"), "0");
  });

  it("a missing file or a directory is a logged 500", async () => {
    assert.equal((await client.get("/missing")).status, 500);
    assert.equal((await client.get("/directory")).status, 500);
    assert.ok(errors.some((e) => /cannot read .*nope\.txt/.test(e.err?.message ?? "")));
    assert.ok(errors.some((e) => /is not a regular file/.test(e.err?.message ?? "")));
  });

  it("a FileResponse returned by middleware is prepared too", async () => {
    const res = await client.get("/from-middleware-only", { headers: { range: "bytes=0-4" } });
    assert.equal(res.status, 206);
    assert.equal(res.text, "hello");
  });

  it("a file that changed after its headers were decided is cut, never sent as a mix", async () => {
    writeFileSync(changing, "v2");
    const conn = rawConnection(server.port, "GET /changed HTTP/1.1\r\nHost: x\r\n\r\n");
    await conn.closed;
    const raw = conn.received().toString("latin1");
    // The change is found before the first byte: the client gets a closed connection, not a response.
    assert.ok(!raw.includes("v2"), "the new content is not sent under the old length");
    assert.ok(errors.some((e) => /changed after its headers were sent/.test(e.err?.message ?? "")));
  });
});
