import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TestClient } from "loopwise/testing";
import { repoRoot } from "../support/node-bin.js";
import { spawnApp, type SpawnedApp } from "../support/spawn-app.js";

const storage = mkdtempSync(path.join(tmpdir(), "loopwise-gallery-test-"));
const socketStorage = mkdtempSync(path.join(tmpdir(), "loopwise-gallery-socket-"));
process.env["UPLOAD_DIR"] = storage;
process.env["LOG_LEVEL"] = "silent";
const { app } = await import("../../examples/uploads/app.js");
const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

describe("example: uploads", () => {
  const client = new TestClient(app);
  let server: SpawnedApp;
  before(async () => {
    server = await spawnApp(path.join(repoRoot, "examples/uploads/app.ts"), { UPLOAD_DIR: socketStorage, LOG_LEVEL: "info" });
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
    rmSync(storage, { recursive: true, force: true });
    rmSync(socketStorage, { recursive: true, force: true });
  });

  it("stores an uploaded photo with its title and serves it back with ranges", async () => {
    const created = await client.post("/photos", { form: { title: "Cat" }, files: { photo: { filename: "cat.png", content: png, contentType: "image/png" } } });
    assert.equal(created.status, 201);
    const { photo, thumbnail } = created.json();
    assert.deepEqual({ ...photo, id: undefined }, { id: undefined, title: "Cat", filename: "cat.png", contentType: "image/png", size: png.length });
    assert.equal(thumbnail, null);
    assert.deepEqual(readdirSync(storage), [photo.id]);
    const served = await client.get(`/photos/${photo.id}`);
    assert.deepEqual(served.body, png);
    assert.equal(served.header("content-type"), "image/png");
    assert.equal(served.header("content-disposition"), "inline");
    const part = await client.get(`/photos/${photo.id}`, { headers: { range: "bytes=1-3" } });
    assert.equal(part.status, 206);
    assert.equal(part.text, "PNG");
    const download = await client.get(`/photos/${photo.id}`, { query: { download: true } });
    assert.equal(download.header("content-disposition"), 'attachment; filename="cat.png"');
    assert.deepEqual((await client.get(`/media/${photo.id}`)).body, png);
  });

  it("refuses what is not an image (415), a missing photo or title (422), an unknown id (404)", async () => {
    const text = await client.post("/photos", { form: { title: "x" }, files: { photo: { filename: "a.txt", content: "hi", contentType: "text/plain" } } });
    assert.equal(text.status, 415);
    const missing = await client.post("/photos", { form: {}, files: {} });
    assert.deepEqual(missing.json().detail.map((d: any) => d.loc), [["body", "title"], ["body", "photo"]]);
    assert.equal((await client.get("/photos/00000000-0000-4000-8000-000000000000")).status, 404);
  });

  it("accepts several photos at once, over a real socket with FormData", async () => {
    const body = new FormData();
    body.append("photos", new Blob([png], { type: "image/png" }), "one.png");
    body.append("photos", new Blob([png], { type: "image/png" }), "two.png");
    const res = await fetch(`${server.url}/photos/batch`, { method: "POST", body });
    assert.equal(res.status, 201);
    const { stored } = await res.json();
    assert.deepEqual(stored.map((p: any) => p.filename), ["one.png", "two.png"]);
    const list = await (await fetch(`${server.url}/photos`)).json();
    assert.equal(list.length, 2);
    const file = await fetch(`${server.url}/photos/${stored[1].id}`);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), png);
  });
});
