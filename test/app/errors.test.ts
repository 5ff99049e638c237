import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { App, HTTPException, JSONResponse, RequestValidationError } from "loopwise";
import { TestClient } from "loopwise/testing";
import { pino } from "pino";

class TeapotError extends Error {}
class SpecialTeapot extends TeapotError {}

describe("errors", () => {
  const lines: any[] = [];
  const app = new App({ logger: pino({}, { write: (s: string) => lines.push(JSON.parse(s)) }) });
  app.get("/missing", () => {
    throw new HTTPException(404, "Item not found", { "X-Error": "There goes my error" });
  });
  app.get("/structured", () => {
    throw new HTTPException(400, { code: "E1", fields: ["a"] });
  });
  app.get("/crash", () => {
    throw new Error("database password is hunter2");
  });
  app.get("/teapot", () => {
    throw new SpecialTeapot("short and stout");
  });
  app.exceptionHandler(TeapotError, (_req, err) => new JSONResponse({ teapot: err.message }, { status: 418 }));
  const client = new TestClient(app);

  it("HTTPException → {detail} with its headers", async () => {
    const res = await client.get("/missing");
    assert.equal(res.status, 404);
    assert.deepEqual(res.json(), { detail: "Item not found" });
    assert.equal(res.header("x-error"), "There goes my error");
  });

  it("detail may be any JSON value", async () => {
    assert.deepEqual((await client.get("/structured")).json(), { detail: { code: "E1", fields: ["a"] } });
  });

  it("an unexpected error → bare 500, stack only in the log", async () => {
    const res = await client.get("/crash");
    assert.equal(res.status, 500);
    assert.deepEqual(res.json(), { detail: "Internal Server Error" });
    assert.ok(!res.text.includes("hunter2"));
    const logged = lines.find((l) => l.err?.message?.includes("hunter2"));
    assert.ok(logged?.err.stack.includes("errors.test.ts"), "stack is logged");
    assert.equal(logged.route, "/crash");
  });

  it("handlers match subclasses of the registered class", async () => {
    const res = await client.get("/teapot");
    assert.equal(res.status, 418);
    assert.deepEqual(res.json(), { teapot: "short and stout" });
  });

  it("a custom handler can replace the 422 response", async () => {
    const custom = new App({ logger: false });
    custom.get("/n/{n}", { path: { n: z.number() } }, ({ path }) => path.n);
    custom.exceptionHandler(RequestValidationError, (_req, err) => new JSONResponse({ problems: err.issues.map((i) => i.loc.join(".")) }, { status: 400 }));
    const res = await new TestClient(custom).get("/n/x");
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), { problems: ["path.n"] });
  });

  it("a handler keyed by status replaces that status's response", async () => {
    const custom = new App({ logger: false });
    custom.exceptionHandler(404, (req) => new JSONResponse({ nothing_at: req.path }, { status: 404 }));
    assert.deepEqual((await new TestClient(custom).get("/x")).json(), { nothing_at: "/x" });
  });

  it("an exception handler that itself throws still yields a 500", async () => {
    const custom = new App({ logger: false });
    custom.get("/boom", () => {
      throw new TeapotError("x");
    });
    custom.exceptionHandler(TeapotError, () => {
      throw new Error("handler broke");
    });
    assert.equal((await new TestClient(custom).get("/boom")).status, 500);
  });
});

describe("background jobs and failures", () => {
  it("runs a successful request's jobs after the response, and drops a failed request's jobs", async () => {
    const ran: string[] = [];
    const app = new App({ logger: false });
    app.post("/ok", ({ req }) => {
      req.background(() => ran.push("ok job"));
      return "ok";
    });
    app.post("/fails", ({ req }) => {
      req.background(() => ran.push("failed job"));
      throw new HTTPException(409, "conflict");
    });
    app.post("/crashes", ({ req }) => {
      req.background(() => ran.push("crashed job"));
      throw new Error("boom");
    });
    const client = new TestClient(app);
    assert.equal((await client.post("/ok")).status, 200);
    assert.equal((await client.post("/fails")).status, 409);
    assert.equal((await client.post("/crashes")).status, 500);
    assert.deepEqual(ran, ["ok job"]);
  });
});
