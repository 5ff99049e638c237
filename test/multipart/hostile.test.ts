import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { App, uploadFile, uploadFiles, type RunningServer, type UploadLimits } from "loopwise";
import { TestClient, encodeMultipart } from "loopwise/testing";
import { rawConnection, serve, waitFor } from "../streaming/helpers.js";

const BOUNDARY = "xXx";
const CT = `multipart/form-data; boundary=${BOUNDARY}`;
const filePart = (name: string, content: string, filename = "f.bin") =>
  `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"; filename="${filename}"\r\ncontent-type: application/octet-stream\r\n\r\n${content}\r\n`;
const fieldPart = (name: string, value: string) => `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const END = `--${BOUNDARY}--\r\n`;

describe("multipart limits and malformed bodies", () => {
  const temp = mkdtempSync(path.join(tmpdir(), "loopwise-hostile-"));
  const limits: UploadLimits = {
    maxFileSize: 1000,
    maxTotalSize: 64 * 1024,
    maxFiles: 2,
    maxFields: 3,
    maxFieldSize: 100,
    maxParts: 4,
    memoryThreshold: 10,
    tempDirectory: temp,
  };
  const app = new App({ logger: false });
  app.post("/upload", { form: { note: z.string().optional() }, files: { docs: uploadFiles({ optional: true }) }, uploadLimits: limits }, ({ files }) => ({
    count: files.docs.length,
  }));
  app.post("/big", { files: { doc: uploadFile() }, uploadLimits: { maxTotalSize: 256 * 1024, tempDirectory: temp } }, ({ files }) => ({ size: files.doc.size }));
  const client = new TestClient(app);
  const post = (body: string | Buffer, contentType: string | undefined = CT) =>
    client.post("/upload", { body, headers: contentType === undefined ? {} : { "content-type": contentType } });
  let server: RunningServer;
  before(async () => {
    server = await serve(app);
  });
  after(async () => {
    await server.close();
    rmSync(temp, { recursive: true, force: true });
  });

  const limitCases: [string, string, RegExp][] = [
    ["a file over maxFileSize", filePart("docs", "a".repeat(1001)) + END, /^The file 'f\.bin' is larger than the limit of 1000 bytes$/],
    ["more files than maxFiles", filePart("docs", "1") + filePart("docs", "2") + filePart("docs", "3") + END, /^The form has more than 2 files$/],
    ["more fields than maxFields", fieldPart("a", "1") + fieldPart("b", "2") + fieldPart("c", "3") + fieldPart("d", "4") + END, /^The form has more than (3 fields|4 parts)$/],
    ["a field over maxFieldSize", fieldPart("note", "n".repeat(101)) + END, /^The form field 'note' is larger than the limit of 100 bytes$/],
    ["more parts than maxParts", fieldPart("a", "1") + fieldPart("b", "2") + filePart("docs", "x") + filePart("docs", "y") + fieldPart("c", "3") + END, /^The form has more than 4 parts$/],
    ["a body over maxTotalSize", fieldPart("note", "ok") + `--${BOUNDARY}\r\ncontent-disposition: form-data; name="skipped"; filename="s"\r\n\r\n${"p".repeat(70 * 1024)}\r\n` + END, /^The request body is larger than the limit of 65536 bytes$/],
  ];
  for (const [what, body, detail] of limitCases) {
    it(`413 with a clear detail for ${what}`, async () => {
      const res = await post(body);
      assert.equal(res.status, 413);
      assert.match(res.json().detail, detail);
      assert.equal(res.header("connection"), "close");
      assert.deepEqual(readdirSync(temp), [], "no temporary file is left behind");
    });
  }

  it("a file limit hit after an earlier file was spooled to disk still leaves nothing behind", async () => {
    const res = await post(filePart("docs", "s".repeat(900)) + filePart("docs", "t".repeat(2000)) + END);
    assert.equal(res.status, 413);
    assert.deepEqual(readdirSync(temp), []);
  });

  const malformed: [string, string | Buffer, string | undefined][] = [
    ["no boundary parameter", filePart("docs", "x") + END, "multipart/form-data"],
    ["a body that stops before the closing boundary", filePart("docs", "x"), CT],
    ["a body with no boundary line at all", "just some bytes", CT],
    ["binary garbage", Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)), CT],
  ];
  for (const [what, body, contentType] of malformed) {
    it(`400 "There was an error parsing the body" for ${what}`, async () => {
      const res = await post(body, contentType);
      assert.equal(res.status, 400, `${what}: ${res.text}`);
      assert.deepEqual(res.json(), { detail: "There was an error parsing the body" });
      assert.deepEqual(readdirSync(temp), []);
    });
  }

  it("a part without Content-Disposition is skipped, as busboy and Starlette do", async () => {
    const res = await post(`--${BOUNDARY}\r\n\r\nbody\r\n${filePart("docs", "kept")}${END}`);
    assert.deepEqual(res.json(), { count: 1 });
  });

  it("an empty multipart body is an empty form (a 422 for required fields)", async () => {
    const res = await client.post("/big", { body: "", headers: { "content-type": CT } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.json().detail[0].loc, ["body", "doc"]);
  });

  it("an endless part header is bounded: only the header size limit is kept, and the body limit ends it", async () => {
    const endless = await post(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="a"\r\nx-pad: ${"h".repeat(70 * 1024)}`);
    assert.equal(endless.status, 413);
    assert.match(endless.json().detail, /request body is larger than the limit/);
    const unfinished = await post(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="a"\r\nx-pad: ${"h".repeat(40 * 1024)}`);
    assert.equal(unfinished.status, 400);
  });

  it("endless multipart over a socket: answered 413 after the limit, without reading the rest", async () => {
    const socket = net.connect(server.port, "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (d) => received.push(d));
    socket.on("error", () => undefined);
    socket.write(`POST /big HTTP/1.1\r\nHost: x\r\nContent-Type: ${CT}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const head = filePart("doc", "").slice(0, -2);
    socket.write(`${head.length.toString(16)}\r\n${head}\r\n`);
    const chunk = "e".repeat(16 * 1024);
    let sent = 0;
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    let done = false;
    void closed.then(() => (done = true));
    while (!done && received.length === 0 && sent < 64 * 1024 * 1024) {
      const ok = socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      sent += chunk.length;
      if (!ok) await Promise.race([new Promise((r) => socket.once("drain", r)), closed, new Promise((r) => setTimeout(r, 50))]);
    }
    await waitFor(() => received.length > 0 || done, "an answer");
    const raw = Buffer.concat(received).toString("latin1");
    assert.match(raw, /^HTTP\/1\.1 413 /);
    assert.match(raw, /The request body is larger than the limit of 262144 bytes/);
    assert.ok(sent < 64 * 1024 * 1024, "the server answered long before the client gave up");
    socket.destroy();
    await waitFor(() => readdirSync(temp).length === 0, "temporary files to be removed");
  });

  it("malformed multipart over a socket is a 400 too", async () => {
    const body = filePart("docs", "x");
    const conn = rawConnection(server.port, `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: ${CT}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    await conn.closed;
    assert.match(conn.received().toString(), /^HTTP\/1\.1 400 [\s\S]*There was an error parsing the body/);
  });

  it("a well-formed body within the limits still works next to all this", async () => {
    const { body, contentType } = encodeMultipart({ note: "fine" }, { docs: [{ filename: "a", content: "1" }] });
    const res = await post(body, contentType);
    assert.deepEqual(res.json(), { count: 1 });
  });
});
