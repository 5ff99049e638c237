import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { z } from "zod";
import { WebSocket } from "ws";
import { App, HTTPException, WebSocketDisconnect, WS_1008_POLICY_VIOLATION, depends, type RunningServer } from "loopwise";
import { TestClient, WebSocketDenied } from "loopwise/testing";
import { appWithLogs, rawConnection, serve, waitFor } from "../streaming/helpers.js";

/** Opens a real client; resolves once open, rejects with the HTTP status when refused. */
function connect(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}, protocols: string[] = []): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d));
      res.on("end", () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.once("error", reject);
  });
}

function nextMessage(ws: WebSocket): Promise<string> {
  return once(ws, "message").then(([data]) => String(data));
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return once(ws, "close").then(([code, reason]) => ({ code, reason: String(reason) }));
}

describe("WebSockets", () => {
  const { app, lines } = appWithLogs();
  const events: string[] = [];
  const session = depends(async function* () {
    events.push("session open");
    try {
      yield { user: "ann" };
    } finally {
      events.push("session closed");
    }
  });
  const requireToken = depends({ query: { token: z.string() } }, ({ query }) => {
    if (query.token !== "secret") throw new HTTPException(401, "Bad token");
    return query.token;
  });

  app.get("/plain", () => ({ plain: true }));
  app.websocket("/echo", async ({ ws }) => {
    await ws.accept();
    for await (const message of ws) await ws.send(message);
  });
  app.websocket(
    "/rooms/{room}",
    {
      path: { room: z.number().int().min(1) },
      query: { nick: z.string().min(2) },
      headers: { x_client: z.string().optional() },
      cookies: { theme: z.enum(["dark", "light"]).default("light") },
      deps: { token: requireToken, session },
    },
    async ({ path, query, headers, cookies, deps, ws }) => {
      await ws.accept();
      await ws.sendJson({ room: path.room, nick: query.nick, client: headers.x_client ?? null, theme: cookies.theme, token: deps.token, user: deps.session.user });
      const text = await ws.receiveText();
      await ws.send(`${query.nick}: ${text}`);
      events.push(`handler done ${path.room}`);
    },
  );
  app.websocket("/refuse", async ({ ws }) => {
    await ws.close(WS_1008_POLICY_VIOLATION, "not today");
  });
  app.websocket("/http-error", async () => {
    throw new HTTPException(429, "Slow down", { "retry-after": "5" });
  });
  app.websocket("/no-accept", async () => undefined);
  app.websocket("/crash", async ({ ws }) => {
    await ws.accept();
    await ws.receive();
    throw new Error("handler crashed");
  });
  app.websocket("/bye", async ({ ws }) => {
    await ws.accept();
    await ws.send("bye");
  });
  app.websocket("/protocols", async ({ ws }) => {
    await ws.accept({ subprotocol: "v2.chat", headers: { "x-server": "loopwise", "bad\r\nheader": "x" } });
    await ws.send(ws.subprotocol);
  });
  let lastDisconnect: { code: number; reason: string } | undefined;
  app.websocket("/disconnect", async ({ ws }) => {
    await ws.accept();
    try {
      for (;;) await ws.receive();
    } catch (error) {
      if (!(error instanceof WebSocketDisconnect)) throw error;
      lastDisconnect = { code: error.code, reason: error.reason };
    }
  });
  app.websocket("/limited", { maxPayload: 1024 }, async ({ ws }) => {
    await ws.accept();
    for await (const message of ws) await ws.send(`got ${message.length}`);
  });
  app.websocket("/types", async ({ ws }) => {
    await ws.accept();
    const text = await ws.receive();
    const bytes = await ws.receive();
    const json = await ws.receiveJson<{ a: number }>();
    await ws.sendJson({ text: typeof text, bytes: Buffer.isBuffer(bytes) ? [...bytes] : null, a: json.a });
    await ws.send(new Uint8Array([9, 8, 7]));
  });
  const sub = new App({ logger: false });
  sub.websocket("/live", async ({ ws, req }) => {
    await ws.accept();
    await ws.send(`${req.rootPath}|${req.path}`);
  });
  app.mount("/sub", sub);

  const client = new TestClient(app);
  let server: RunningServer;
  let wsUrl: string;
  before(async () => {
    server = await serve(app);
    wsUrl = server.url.replace("http:", "ws:");
  });
  after(() => server.close());

  it("echoes through the TestClient (in-process) and over a socket", async () => {
    await using ws = await client.websocket("/echo");
    await ws.send("hello");
    assert.equal(await ws.receiveText(), "hello");
    await ws.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(await ws.receiveBytes())], [1, 2, 3]);

    const real = await connect(`${wsUrl}/echo`);
    real.send("over tcp");
    assert.equal(await nextMessage(real), "over tcp");
    real.close(1000);
    assert.equal((await closeOf(real)).code, 1000);
  });

  it("path, query, header, cookie parameters and dependencies are validated and typed before accepting", async () => {
    await using ws = await client.websocket("/rooms/7", { query: { nick: "bo", token: "secret" }, headers: { "x-client": "cli" }, cookies: { theme: "dark" } });
    assert.deepEqual(await ws.receiveJson(), { room: 7, nick: "bo", client: "cli", theme: "dark", token: "secret", user: "ann" });
    await ws.send("hi");
    assert.equal(await ws.receiveText(), "bo: hi");
    assert.deepEqual(await ws.closed, { code: 1000, reason: "" });
    await waitFor(() => events.includes("session closed"), "the dependency's teardown");
    assert.deepEqual(events.slice(-3), ["session open", "handler done 7", "session closed"]);
  });

  it("invalid parameters refuse the connection with 403 and every error, before any handler runs", async () => {
    const denied = await client.websocket("/rooms/0", { query: { nick: "b", token: "secret" }, cookies: { theme: "blue" } }).catch((e) => e);
    assert.ok(denied instanceof WebSocketDenied);
    assert.equal(denied.status, 403);
    assert.deepEqual(
      denied.json().detail.map((d: any) => [d.type, d.loc]),
      [
        ["greater_than_equal", ["path", "room"]],
        ["string_too_short", ["query", "nick"]],
        ["enum", ["cookie", "theme"]],
      ],
    );
    const missing = await client.websocket("/rooms/1", { query: { nick: "bob" } }).catch((e) => e);
    assert.deepEqual(missing.json().detail.map((d: any) => d.loc), [["query", "token"]], "a dependency's parameters count too");
    const real = await connect(`${wsUrl}/rooms/x?nick=bob&token=secret`).catch((e) => e);
    assert.equal(real.status, 403);
    assert.equal(JSON.parse(real.body).detail[0].type, "int_parsing");
  });

  it("a dependency raising HTTPException refuses with its status", async () => {
    const denied = await client.websocket("/rooms/1", { query: { nick: "bob", token: "wrong" } }).catch((e) => e);
    assert.equal(denied.status, 401);
    assert.deepEqual(denied.json(), { detail: "Bad token" });
    assert.equal((await connect(`${wsUrl}/rooms/1?nick=bob&token=wrong`).catch((e) => e)).status, 401);
  });

  it("close() before accept() refuses with 403; returning without accepting too; HTTPException sends its status", async () => {
    const refused = await client.websocket("/refuse").catch((e) => e);
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.json(), { detail: "not today" });
    assert.equal((await client.websocket("/no-accept").catch((e) => e)).status, 403);
    const limited = await client.websocket("/http-error").catch((e) => e);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers["retry-after"], "5");
    assert.equal((await connect(`${wsUrl}/refuse`).catch((e) => e)).status, 403);
  });

  it("a request asking for another upgrade (h2c) stays an ordinary HTTP request", async () => {
    const conn = rawConnection(server.port, "GET /plain HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
    await waitFor(() => conn.received().toString().includes('{"plain":true}'), "the route's answer");
    assert.match(conn.received().toString(), /^HTTP\/1\.1 200 OK/);
    conn.socket.destroy();
  });

  it("unknown paths are 404; a broken handshake is 400", async () => {
    assert.equal((await client.websocket("/nope").catch((e) => e)).status, 404);
    assert.equal((await connect(`${wsUrl}/nope`).catch((e) => e)).status, 404);
    const conn = rawConnection(server.port, "GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n");
    await conn.closed;
    assert.match(conn.received().toString(), /^HTTP\/1\.1 400 [\s\S]*Sec-WebSocket-Key/);
    const version = rawConnection(server.port, "GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n");
    await version.closed;
    assert.match(version.received().toString(), /^HTTP\/1\.1 400 /);
  });

  it("an error after accepting closes with 1011 and is logged; returning closes with 1000", async () => {
    await using crash = await client.websocket("/crash");
    await crash.send("boom");
    assert.deepEqual(await crash.closed, { code: 1011, reason: "Internal error" });
    assert.ok(lines.some((l) => l.err?.message === "handler crashed" && /WEBSOCKET \/crash/.test(l.msg)));
    await using bye = await client.websocket("/bye");
    assert.equal(await bye.receiveText(), "bye");
    assert.deepEqual(await bye.closed, { code: 1000, reason: "" });
    await assert.rejects(bye.receive(), (e: unknown) => e instanceof WebSocketDisconnect && e.code === 1000);
  });

  it("the handler sees the client's close code and reason", async () => {
    const ws = await client.websocket("/disconnect");
    await ws.close(4001, "leaving");
    await waitFor(() => lastDisconnect !== undefined, "the handler to notice");
    assert.deepEqual(lastDisconnect, { code: 4001, reason: "leaving" });
  });

  it("a frame larger than maxPayload closes the connection with 1009", async () => {
    await using ws = await client.websocket("/limited");
    await ws.send("a".repeat(1024));
    assert.equal(await ws.receiveText(), "got 1024");
    await ws.send("a".repeat(1025));
    assert.equal((await ws.closed).code, 1009);
    const real = await connect(`${wsUrl}/limited`);
    real.send(Buffer.alloc(4096));
    assert.equal((await closeOf(real)).code, 1009);
  });

  it("text frames arrive as strings, binary as Buffers, and JSON helpers work both ways", async () => {
    await using ws = await client.websocket("/types");
    await ws.send("t");
    await ws.send(new Uint8Array([1, 2]));
    await ws.sendJson({ a: 5 });
    assert.deepEqual(await ws.receiveJson(), { text: "string", bytes: [1, 2], a: 5 });
    assert.deepEqual([...(await ws.receiveBytes())], [9, 8, 7]);
  });

  it("subprotocol negotiation and extra handshake headers (invalid ones dropped)", async () => {
    await using ws = await client.websocket("/protocols", { subprotocols: ["v1.chat", "v2.chat"] });
    assert.equal(ws.subprotocol, "v2.chat");
    assert.equal(await ws.receiveText(), "v2.chat");
    const real = new WebSocket(`${wsUrl}/protocols`, ["v2.chat"]);
    const upgraded = once(real, "upgrade");
    const message = nextMessage(real);
    const [response] = await upgraded;
    assert.equal(response.headers["x-server"], "loopwise");
    assert.equal(response.headers["sec-websocket-protocol"], "v2.chat");
    assert.equal(await message, "v2.chat");
    real.close();
  });

  it("WebSocket routes of a mounted app are reachable under its prefix", async () => {
    await using ws = await client.websocket("/sub/live");
    assert.equal(await ws.receiveText(), "/sub|/live");
  });
});

describe("WebSockets and app-level dependencies", () => {
  it("the app's dependencies run before accepting, and can refuse", async () => {
    const apiKey = depends({ headers: { x_api_key: z.string() } }, ({ headers }) => {
      if (headers.x_api_key !== "k") throw new HTTPException(403, "Bad key");
    });
    const app = new App({ logger: false, dependencies: [apiKey] });
    app.websocket("/ws", async ({ ws }) => {
      await ws.accept();
      await ws.send("welcome");
    });
    const client = new TestClient(app);
    const missing = await client.websocket("/ws").catch((e) => e);
    assert.equal(missing.status, 403);
    assert.deepEqual(missing.json().detail[0].loc, ["header", "x-api-key"]);
    assert.deepEqual((await client.websocket("/ws", { headers: { "x-api-key": "no" } }).catch((e) => e)).json(), { detail: "Bad key" });
    await using ws = await client.websocket("/ws", { headers: { "x-api-key": "k" } });
    assert.equal(await ws.receiveText(), "welcome");
  });
});
