import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import path from "node:path";
import { z } from "zod";
import { App, Response, type Middleware, type RunningServer } from "loopwise";
import { TestClient } from "loopwise/testing";
import { requestContext } from "../../src/watch/request-context.js";
import { rawRequest } from "../support/raw-http.js";
import { nodeBin, repoRoot, tsNodeArgs } from "../support/node-bin.js";
import { memoryLogger } from "../lanes/fixtures/memory-log.js";

describe("node:http server", () => {
  let server: RunningServer;
  let aborted: string | undefined;
  const app = new App({ logger: false, bodyLimit: 1024 });
  app.post("/items", { body: z.object({ name: z.string() }) }, ({ body }) => body);
  app.get("/hello", () => ({ message: "Hello World" }));
  // The request context seen by a handler, at its start and after an await.
  app.get("/context/{label}", async ({ path }) => {
    const atStart = requestContext.getStore();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const afterAwait = requestContext.getStore();
    return { label: path.label, url: atStart?.url, sameAfterAwait: atStart === afterAwait, id: atStart?.id };
  });
  // One header by name, as the first value sent under it in any letter case.
  app.get("/first-header", ({ req }) => ({ probe: req.firstHeader("x-probe") ?? null, agent: req.firstHeader("user-agent") ?? null }));
  // Declares no body: whatever a client sends is left unread.
  app.post("/ignores-body", () => ({ ok: true }));
  // Reads the request's peer and one header only after the response, in a background job.
  let seenLater: unknown;
  app.get("/later", ({ req }) => {
    req.background(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seenLater = { client: req.client?.host, agent: req.headers["user-agent"] };
    });
    return { ok: true };
  });
  app.get("/wait", async ({ signal }) => {
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
    aborted = String(signal.reason?.message);
    return "never sent";
  });

  before(async () => {
    server = await app.serve({ port: 0, handleSignals: false, maxHeaderSize: 2048 });
  });
  after(() => server.close());

  it("serves JSON over a real socket with keep-alive", async () => {
    const first = await fetch(`${server.url}/hello`);
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), { message: "Hello World" });
    assert.equal(first.headers.get("content-length"), "25");
  });

  it("keeps a connection whose request had no body, and closes one whose body the route left unread", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, urlPath: string, body?: string) =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = httpRequest(`${server.url}${urlPath}`, { method, agent, headers: body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) } }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        });
        req.on("error", reject);
        req.end(body);
      });
    try {
      assert.deepEqual(await send("GET", "/hello"), { status: 200, connection: "keep-alive" });
      assert.deepEqual(await send("POST", "/ignores-body", ""), { status: 200, connection: "keep-alive" });
      assert.deepEqual(await send("POST", "/ignores-body", '{"name":"unread"}'), { status: 200, connection: "close" });
    } finally {
      agent.destroy();
    }
  });

  it("finds Content-Length and Transfer-Encoding in any letter case: an unread body still closes the connection", async () => {
    // Whole requests written at once: the body arrives with the headers, as it does from clients.
    const upper = await rawRequest(server.port, "POST /ignores-body HTTP/1.1\r\nHost: x\r\nCONTENT-LENGTH: 5\r\n\r\nhello");
    assert.match(upper, /^HTTP\/1\.1 200 /);
    assert.match(upper, /connection: close/i);
    const chunked = await rawRequest(server.port, "POST /ignores-body HTTP/1.1\r\nHost: x\r\ntRaNsFeR-eNcOdInG: chunked\r\n\r\n5\r\nhello\r\n");
    assert.match(chunked, /^HTTP\/1\.1 200 /);
    assert.match(chunked, /connection: close/i);
    const empty = await rawRequest(server.port, "POST /ignores-body HTTP/1.1\r\nHost: x\r\ncontent-length: 0\r\n\r\n");
    assert.match(empty, /^HTTP\/1\.1 200 /);
    assert.match(empty, /connection: keep-alive/i);
  });

  it("reads one header by name without joining repeats: firstHeader", async () => {
    const repeated = await rawRequest(server.port, "GET /first-header HTTP/1.1\r\nHost: x\r\nX-PROBE: first\r\nx-probe: second\r\nConnection: close\r\n\r\n");
    assert.match(repeated, /^HTTP\/1\.1 200 /);
    assert.deepEqual(JSON.parse(repeated.slice(repeated.indexOf("\r\n\r\n") + 4)), { probe: "first", agent: null });
    // A name that only shares the length, and a value with odd bytes, are not confused with it.
    const other = await rawRequest(server.port, "GET /first-header HTTP/1.1\r\nHost: x\r\nX-PROBF: no\r\nUser-Agent: a\tb\r\nConnection: close\r\n\r\n");
    assert.deepEqual(JSON.parse(other.slice(other.indexOf("\r\n\r\n") + 4)), { probe: null, agent: "a\tb" });
  });

  it("keeps the client's address and headers for code that reads them after the connection is gone", async () => {
    seenLater = undefined;
    const answer = await rawRequest(server.port, "GET /later HTTP/1.1\r\nHost: x\r\nUser-Agent: probe/1\r\nConnection: close\r\n\r\n");
    assert.match(answer, /^HTTP\/1\.1 200 /);
    for (let i = 0; i < 100 && seenLater === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(seenLater, { client: "127.0.0.1", agent: "probe/1" });
  });

  it("rejects a declared Content-Length over the limit with 413 without reading the body, and closes", async () => {
    const started = Date.now();
    const answer = await rawRequest(
      server.port,
      "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{\"name\":",
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /connection: close/i);
    assert.match(answer, /larger than the limit of 1024 bytes/);
    assert.ok(Date.now() - started < 60_000);
  });

  it("stops reading a chunked body once it passes the limit", async () => {
    const chunk = "x".repeat(600);
    const payload = `POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `${(600).toString(16)}\r\n${chunk}\r\n`.repeat(3);
    const answer = await rawRequest(server.port, payload);
    assert.match(answer, /^HTTP\/1\.1 413 /);
  });

  // A body that arrived whole with its headers is taken from the stream's buffer (no flowing mode).
  it("reads a whole chunked body that arrived with its headers, chunks joined in order", async () => {
    const chunks = ['{"na', 'me":"a', "b", '"}'];
    const payload = `POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
      chunks.map((chunk) => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join("") + "0\r\n\r\n";
    const answer = await rawRequest(server.port, payload);
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /\{"name":"ab"\}$/);
  });

  it("an empty body (Content-Length: 0) over a socket is a missing body (422), not a hang", async () => {
    const answer = await rawRequest(server.port, "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert.match(answer, /^HTTP\/1\.1 422 /);
    assert.match(answer, /"type":"missing","loc":\["body"\]/);
  });

  it("refuses a whole chunked body over the limit that arrived with its headers (413)", async () => {
    const chunk = "x".repeat(600);
    const payload = `POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `${(600).toString(16)}\r\n${chunk}\r\n`.repeat(2) + "0\r\n\r\n";
    const answer = await rawRequest(server.port, payload);
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /larger than the limit of 1024 bytes/);
  });

  it("answers pipelined POSTs on one connection each with its own body", async () => {
    const post = (name: string, close = false) => {
      const body = JSON.stringify({ name });
      return `POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${close ? "Connection: close\r\n" : ""}\r\n${body}`;
    };
    const answer = await rawRequest(server.port, post("first") + post("second") + post("third", true));
    const bodies = answer.split(/HTTP\/1\.1 /).slice(1).map((part) => part.slice(part.indexOf("\r\n\r\n") + 4));
    assert.deepEqual(bodies, ['{"name":"first"}', '{"name":"second"}', '{"name":"third"}']);
  });

  it("gives each pipelined request its own context, kept across awaits, and none outside requests", async () => {
    const get = (label: string, close = false) => `GET /context/${label} HTTP/1.1\r\nHost: x\r\n${close ? "Connection: close\r\n" : ""}\r\n`;
    const answer = await rawRequest(server.port, get("a") + get("b") + get("c", true));
    const bodies = answer
      .split(/HTTP\/1\.1 /)
      .slice(1)
      .map((part) => JSON.parse(part.slice(part.indexOf("\r\n\r\n") + 4)) as { label: string; url: string; sameAfterAwait: boolean; id: number });
    assert.deepEqual(
      bodies.map(({ label, url, sameAfterAwait }) => ({ label, url, sameAfterAwait })),
      ["a", "b", "c"].map((label) => ({ label, url: `/context/${label}`, sameAfterAwait: true })),
    );
    assert.equal(new Set(bodies.map((body) => body.id)).size, 3);
    // The test's own code runs outside any request.
    assert.equal(requestContext.getStore(), undefined);
  });

  it("invalid UTF-8 in a JSON body → 400", async () => {
    const body = Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    const res = await fetch(`${server.url}/items`, { method: "POST", body, headers: { "content-type": "application/json" } });
    assert.equal(res.status, 400);
  });

  it("headers larger than maxHeaderSize → 431, and the server keeps serving", async () => {
    const answer = await rawRequest(server.port, `GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(4096)}\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 431 /);
    assert.equal((await fetch(`${server.url}/hello`)).status, 200);
  });

  it("garbage on the socket gets 400 and does not crash the process", async () => {
    const answer = await rawRequest(server.port, "\x00\x01\x02 NOT HTTP\r\n\r\n");
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.equal((await fetch(`${server.url}/hello`)).status, 200);
  });

  it("an absolute-form request target is served by its path", async () => {
    const answer = await rawRequest(server.port, `GET http://example.com/hello HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /Hello World/);
  });

  it("fires the handler's AbortSignal when the client disconnects", async () => {
    const controller = new AbortController();
    const pending = fetch(`${server.url}/wait`, { signal: controller.signal }).catch(() => "aborted");
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    assert.equal(await pending, "aborted");
    for (let i = 0; i < 50 && aborted === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(aborted, "The client disconnected");
  });

  it("a port in use is a clear error", async () => {
    const other = new App({ logger: false });
    await assert.rejects(other.serve({ port: server.port, handleSignals: false }), /already in use/);
  });
});

describe("responses the socket cannot send", () => {
  class Refused extends Error {}
  const log = memoryLogger();
  const app = new App({ logger: log.logger });
  app.get("/bad-header-value", () => new Response("x", { headers: { "x-note": "first\r\nset-cookie: injected=1" } }));
  app.get("/bad-header-name", () => new Response("x", { headers: { "x note": "b" } }));
  app.get("/refused", () => {
    throw new Refused("no");
  });
  // A JavaScript exception handler that forgets to return its response.
  app.exceptionHandler(Refused, (() => undefined) as unknown as () => Response);
  app.get("/fine", () => ({ ok: true }));
  const withMiddleware = new App({ logger: log.logger });
  withMiddleware.use((async (_req: unknown, next: () => Promise<Response>) => {
    await next();
  }) as unknown as Middleware);
  withMiddleware.get("/", () => ({ ok: true }));
  let server: RunningServer;
  let middlewareServer: RunningServer;

  before(async () => {
    server = await app.serve({ port: 0, handleSignals: false });
    middlewareServer = await withMiddleware.serve({ port: 0, handleSignals: false });
  });
  after(async () => {
    await server.close();
    await middlewareServer.close();
  });

  const internalError = { detail: "Internal Server Error" };
  const messages = () => log.lines().map((line) => String(line["msg"]));

  for (const route of ["/bad-header-value", "/bad-header-name"]) {
    it(`a header node:http refuses (${route}) is a 500 with a log line, not a hang, over a socket and in the TestClient`, async () => {
      const response = await fetch(`${server.url}${route}`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), internalError);
      assert.equal(response.headers.get("set-cookie"), null);
      assert.ok(messages().includes(`Sending the response of GET ${route} failed`), messages().join("\n"));
      const client = new TestClient(app);
      const viaClient = await client.get(route);
      assert.equal(viaClient.status, 500);
      assert.deepEqual(viaClient.json(), internalError);
      assert.equal((await fetch(`${server.url}/fine`)).status, 200);
    });
  }

  it("an exception handler that returns no response is a 500, and the server keeps serving", async () => {
    const response = await fetch(`${server.url}/refused`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), internalError);
    assert.equal((await fetch(`${server.url}/fine`)).status, 200);
  });

  it("a middleware that returns no response is a 500 whose log line says so", async () => {
    const response = await fetch(`${middlewareServer.url}/`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), internalError);
    const logged = log.lines().find((line) => String((line["err"] as { message?: string } | undefined)?.message).includes("A middleware returned undefined instead of a Response"));
    assert.ok(logged, JSON.stringify(log.lines()));
  });
});

describe("graceful shutdown", () => {
  it("SIGTERM lets the in-flight request finish, runs shutdown hooks and exits 0", async () => {
    const child = spawn(nodeBin, [...tsNodeArgs, path.join(repoRoot, "test/fixtures/server/graceful-app.ts")], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        out += d;
        const m = /PORT (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`exited early with ${code}`)));
    });
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    assert.deepEqual(await inFlight, { status: 200, body: { done: true } });
    assert.equal(await exited, 0);
    assert.match(out, /SHUTDOWN-HOOK-RAN/);
  });
});
