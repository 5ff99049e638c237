import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { App, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response } from "loopwise";
import { TestClient } from "loopwise/testing";
import { pino } from "pino";

function capturingLogger() {
  const lines: any[] = [];
  const logger = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

const Public = z.object({ name: z.string(), role: z.string().default("user") });

describe("responses", () => {
  const { logger, lines } = capturingLogger();
  const app = new App({ logger });
  app.get("/user", { response: Public }, () => ({ name: "ann", password: "secret" }) as any);
  app.get("/bad", { response: Public }, () => ({ nom: "x" }) as any);
  app.post("/created", { status: 201 }, () => ({ ok: true }));
  app.get("/custom", ({ res }) => {
    res.status = 202;
    res.headers["x-custom"] = "yes";
    res.setCookie("session", "abc", { httpOnly: true });
    return { accepted: true };
  });
  app.get("/json", () => new JSONResponse({ a: 1 }, { status: 418, headers: { "X-Tea": "pot" } }));
  app.get("/text", () => new PlainTextResponse("héllo"));
  app.get("/html", () => new HTMLResponse("<h1>hi</h1>"));
  app.get("/redirect", () => new RedirectResponse("/text"));
  app.get("/redirect-303", () => new RedirectResponse("/text", { status: 303 }));
  app.get("/bytes", () => new Response(new Uint8Array([0, 1, 2, 255]), { mediaType: "application/octet-stream" }));
  app.delete("/gone", { status: 204 }, () => null);
  app.get("/not-modified", () => new Response("ignored", { status: 304 }));
  app.get("/none", () => undefined);
  app.get("/stream", async function* () {
    yield { n: 1 };
    yield { n: 2 };
  });
  const client = new TestClient(app);

  it("filters the returned value through the response schema and applies defaults", async () => {
    assert.deepEqual((await client.get("/user")).json(), { name: "ann", role: "user" });
  });

  it("a value failing its response schema is a 500 that is logged, never sent", async () => {
    const res = await client.get("/bad");
    assert.equal(res.status, 500);
    assert.deepEqual(res.json(), { detail: "Internal Server Error" });
    assert.ok(!res.text.includes("nom"));
    const logged = lines.find((l) => l.err?.type === "ResponseValidationError");
    assert.ok(logged, "the failure is logged");
    assert.match(logged.msg, /GET \/bad/);
  });

  it("the status option sets the success status", async () => {
    assert.equal((await client.post("/created")).status, 201);
  });

  it("per-request status, headers and cookies", async () => {
    const res = await client.get("/custom");
    assert.equal(res.status, 202);
    assert.equal(res.header("x-custom"), "yes");
    assert.match(String(res.headers["set-cookie"]), /^session=abc; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.equal(client.cookies.get("session"), "abc");
  });

  it("Response classes are sent as is", async () => {
    const json = await client.get("/json");
    assert.equal(json.status, 418);
    assert.equal(json.header("x-tea"), "pot");
    assert.deepEqual(json.json(), { a: 1 });
    const text = await client.get("/text");
    assert.equal(text.header("content-type"), "text/plain; charset=utf-8");
    assert.equal(text.text, "héllo");
    assert.equal(text.header("content-length"), String(Buffer.byteLength("héllo")));
    assert.equal((await client.get("/html")).header("content-type"), "text/html; charset=utf-8");
    assert.deepEqual([...(await client.get("/bytes")).body], [0, 1, 2, 255]);
  });

  it("redirects default to 307", async () => {
    const res = await client.get("/redirect", { followRedirects: false });
    assert.equal(res.status, 307);
    assert.equal(res.header("location"), "/text");
    assert.equal((await client.get("/redirect-303")).text, "héllo");
  });

  it("204 and 304 carry no body", async () => {
    const gone = await client.delete("/gone");
    assert.equal(gone.status, 204);
    assert.equal(gone.body.length, 0);
    assert.equal(gone.header("content-type"), undefined);
    const nm = await client.get("/not-modified");
    assert.equal(nm.status, 304);
    assert.equal(nm.body.length, 0);
  });

  it("undefined is JSON null", async () => {
    assert.equal((await client.get("/none")).text, "null");
  });

  it("an async iterable streams JSON Lines", async () => {
    const res = await client.get("/stream");
    assert.equal(res.header("content-type"), "application/jsonl");
    assert.equal(res.text, '{"n":1}\n{"n":2}\n');
  });
});
