import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { App, uploadFile, uploadFiles, UploadFile, type RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { serve, waitFor } from "../streaming/helpers.js";

describe("file uploads", () => {
  const temp = mkdtempSync(path.join(tmpdir(), "loopwise-uploads-"));
  const saved = mkdtempSync(path.join(tmpdir(), "loopwise-saved-"));
  const limits = { memoryThreshold: 16, tempDirectory: temp };
  const app = new App({ logger: false });
  const seen: { path?: string; existedDuring?: boolean } = {};

  app.post(
    "/profile",
    { form: { name: z.string().min(1), age: z.number().int() }, files: { avatar: uploadFile(), cover: uploadFile({ optional: true }) }, uploadLimits: limits },
    async ({ form, files }) => {
      const avatar: UploadFile = files.avatar;
      const cover: UploadFile | undefined = files.cover;
      return {
        name: form.name,
        age: form.age,
        avatar: { filename: avatar.filename, contentType: avatar.contentType, size: avatar.size, text: await avatar.text(), inMemory: avatar.inMemory },
        cover: cover?.filename ?? null,
      };
    },
  );
  app.post("/photos", { files: { photos: uploadFiles(), extras: uploadFiles({ optional: true }) }, uploadLimits: limits }, async ({ files }) => ({
    photos: await Promise.all(files.photos.map(async (f) => ({ name: f.filename, bytes: [...(await f.bytes())] }))),
    extras: files.extras.length,
  }));
  app.post("/spooled", { files: { doc: uploadFile() }, uploadLimits: limits }, async ({ files }) => {
    const doc = files.doc;
    seen.path = await doc.path();
    seen.existedDuring = existsSync(seen.path);
    let streamed = "";
    for await (const chunk of doc.stream()) streamed += chunk;
    await doc.saveTo(path.join(saved, "copy.bin"));
    return { inMemory: doc.inMemory, size: doc.size, streamed: streamed.length, json: doc };
  });
  app.post("/fails-after-upload", { files: { doc: uploadFile() }, uploadLimits: limits }, async ({ files }) => {
    seen.path = await files.doc.path();
    throw new Error("the handler failed");
  });
  app.post("/form-only", { form: { title: z.string() }, uploadLimits: limits }, ({ form }) => form);

  const client = new TestClient(app);
  let server: RunningServer;
  before(async () => {
    server = await serve(app);
  });
  after(async () => {
    await server.close();
    rmSync(temp, { recursive: true, force: true });
    rmSync(saved, { recursive: true, force: true });
  });

  it("one required file, one optional, and form fields in the same body", async () => {
    const res = await client.post("/profile", {
      form: { name: "Ann", age: 31 },
      files: { avatar: { filename: "me.png", content: "png-bytes", contentType: "image/png" } },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), {
      name: "Ann",
      age: 31,
      avatar: { filename: "me.png", contentType: "image/png", size: 9, text: "png-bytes", inMemory: true },
      cover: null,
    });
  });

  it("over a socket with the browser's FormData encoding", async () => {
    const body = new FormData();
    body.append("name", "Bo");
    body.append("age", "7");
    body.append("avatar", new Blob(["x".repeat(100)], { type: "image/jpeg" }), "photo.jpg");
    body.append("cover", new Blob(["c"]), "cover.bin");
    const res = await fetch(`${server.url}/profile`, { method: "POST", body });
    assert.equal(res.status, 200);
    const json = await res.json();
    assert.deepEqual(json.avatar, { filename: "photo.jpg", contentType: "image/jpeg", size: 100, text: "x".repeat(100), inMemory: false });
    assert.equal(json.cover, "cover.bin");
  });

  it("a list of files under one name, in order; an optional list is empty when none is sent", async () => {
    const res = await client.post("/photos", {
      files: { photos: [{ filename: "a.jpg", content: new Uint8Array([1, 2]) }, { filename: "b.jpg", content: new Uint8Array([3]) }] },
    });
    assert.deepEqual(res.json(), { photos: [{ name: "a.jpg", bytes: [1, 2] }, { name: "b.jpg", bytes: [3] }], extras: 0 });
  });

  it("missing files and invalid fields are reported together in one 422, FastAPI-style", async () => {
    const res = await client.post("/profile", { files: { cover: { filename: "c.png", content: "c" } }, form: { age: "old" } });
    assert.equal(res.status, 422);
    assert.deepEqual(
      res.json().detail.map((d: any) => [d.type, d.loc]),
      [
        ["missing", ["body", "name"]],
        ["int_parsing", ["body", "age"]],
        ["missing", ["body", "avatar"]],
      ],
    );
    const none = await client.post("/photos", { files: {} });
    assert.deepEqual(none.json(), { detail: [{ type: "missing", loc: ["body", "photos"], msg: "Field required", input: null }] });
  });

  it("a text field where a file is expected is a value_error, as in FastAPI", async () => {
    const res = await client.post("/photos", { form: { photos: "not a file" }, files: {} });
    assert.deepEqual(res.json().detail, [
      { type: "value_error", loc: ["body", "photos"], msg: "Value error, Expected UploadFile, received: <class 'str'>", input: "not a file", ctx: { error: {} } },
    ]);
  });

  it("an empty file input (no name, no bytes) counts as not sent", async () => {
    const res = await client.post("/profile", {
      form: { name: "Ann", age: 1 },
      files: { avatar: { filename: "a.txt", content: "a" }, cover: { filename: "", content: "" } },
    });
    assert.equal(res.json().cover, null);
  });

  it("file names lose any directory part; UTF-8 names survive", async () => {
    const body = new FormData();
    body.append("name", "x");
    body.append("age", "1");
    body.append("avatar", new Blob(["a"]), "../../etc/passwd");
    const res = await (await fetch(`${server.url}/profile`, { method: "POST", body })).json();
    assert.equal(res.avatar.filename, "passwd");
    const utf8 = await client.post("/profile", { form: { name: "x", age: 1 }, files: { avatar: { filename: "résumé.pdf", content: "a" } } });
    assert.equal(utf8.json().avatar.filename, "résumé.pdf");
  });

  it("large files spool to a temporary file that is removed once the response is sent", async () => {
    const content = "y".repeat(5000);
    const res = await client.post("/spooled", { files: { doc: { filename: "big.txt", content } } });
    assert.deepEqual(res.json(), { inMemory: false, size: 5000, streamed: 5000, json: { filename: "big.txt", contentType: "application/octet-stream", size: 5000 } });
    assert.equal(seen.existedDuring, true);
    assert.equal(existsSync(seen.path!), false, "the temporary file is gone");
    assert.equal(readFileSync(path.join(saved, "copy.bin"), "utf8"), content, "saveTo kept a copy");
    assert.deepEqual(readdirSync(temp), []);
  });

  it("a small file's path() writes a temporary file, removed after the request too", async () => {
    const res = await client.post("/spooled", { files: { doc: { filename: "s.txt", content: "tiny" } } });
    assert.equal(res.json().inMemory, false, "path() moved it to disk");
    assert.equal(existsSync(seen.path!), false);
    assert.deepEqual(readdirSync(temp), []);
  });

  it("temporary files are removed when the handler fails", async () => {
    const res = await client.post("/fails-after-upload", { files: { doc: { filename: "d", content: "z".repeat(100) } } });
    assert.equal(res.status, 500);
    assert.ok(seen.path);
    assert.equal(existsSync(seen.path), false);
    const body = new FormData();
    body.append("doc", new Blob(["z".repeat(100)]), "d");
    assert.equal((await fetch(`${server.url}/fails-after-upload`, { method: "POST", body })).status, 500);
    // Over a socket the client has its answer before the server finishes the request's cleanup.
    await waitFor(() => readdirSync(temp).length === 0, "the temporary file to be removed");
  });

  it("a route with form fields only reads multipart fields and skips file parts", async () => {
    const res = await client.post("/form-only", { form: { title: "T" }, files: { f: { filename: "x", content: "q".repeat(1000) } } });
    assert.deepEqual(res.json(), { title: "T" });
    assert.deepEqual(readdirSync(temp), [], "nothing spooled");
  });

  it("urlencoded forms still work on an upload route (and report missing files)", async () => {
    const res = await client.post("/profile", { form: { name: "Ann", age: 3 } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.json().detail.map((d: any) => d.loc), [["body", "avatar"]]);
  });

  it("a route cannot take both a JSON body and files", () => {
    const other = new App({ logger: false });
    assert.throws(() => other.post("/x", { body: z.object({}), files: { f: uploadFile() } }, () => null), /either a JSON body or uploaded files/);
  });

  it("the temporary directory is empty after a client abandons an upload mid-body", async () => {
    const { request } = await import("node:http");
    const boundary = "b0undary";
    const req = request(`${server.url}/spooled`, { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
    req.on("error", () => undefined);
    req.write(`--${boundary}\r\ncontent-disposition: form-data; name="doc"; filename="x"\r\n\r\n`);
    req.write("w".repeat(10_000));
    await waitFor(() => readdirSync(temp).length > 0, "the upload to spool to disk");
    req.destroy();
    await waitFor(() => readdirSync(temp).length === 0, "the temporary file to be removed");
  });
});
