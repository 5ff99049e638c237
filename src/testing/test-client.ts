import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { stringify as stringifyQuery } from "node:querystring";
import { duplexPair, type Duplex } from "node:stream";
import type { App } from "../app.js";
import { BufferBodySource } from "../server/body-source.js";
import { serveRequest } from "../server/serve-request.js";
import { nextRequestId, requestContext, type RequestContext } from "../watch/request-context.js";
import { MemorySink } from "./memory-sink.js";
import { encodeMultipart, type TestFile } from "./multipart-body.js";
import { TestWebSocket } from "./test-websocket.js";
import { createUpgradeListener } from "../websocket/upgrade.js";
import { isWebSocketUpgrade } from "../websocket/handshake.js";
import { TestResponse } from "./test-response.js";
import { performance } from "node:perf_hooks";
import { Buffer } from "node:buffer";

type QueryValue = string | number | boolean;

/** Options of one TestClient request. */
export interface TestRequestOptions {
  /** Query parameters, appended to any already in the URL; arrays repeat the key. */
  query?: Record<string, QueryValue | QueryValue[]>;
  headers?: Record<string, string | string[]>;
  /** Sent in addition to the client's cookie jar. */
  cookies?: Record<string, string>;
  /** A JSON body (sets `content-type: application/json`). */
  json?: unknown;
  /** A urlencoded form body. */
  form?: Record<string, QueryValue | QueryValue[]>;
  /** A raw body. */
  body?: string | Uint8Array;
  /** Files sent as `multipart/form-data`, with `form` as its other fields (as httpx's `files=`). */
  files?: Record<string, TestFile | TestFile[]>;
  /** Overrides the client's setting. */
  followRedirects?: boolean;
}

/** Options of {@link TestClient.websocket}. */
export interface TestWebSocketOptions {
  query?: Record<string, QueryValue | QueryValue[]>;
  headers?: Record<string, string>;
  /** Sent in addition to the client's cookie jar. */
  cookies?: Record<string, string>;
  /** Subprotocols offered (`Sec-WebSocket-Protocol`). */
  subprotocols?: string[];
}

/** Options of a {@link TestClient}. */
export interface TestClientOptions {
  /** Follow redirects (default true). */
  followRedirects?: boolean;
  /** Run the app's lifespan: startup before the first request, shutdown on dispose (default true). */
  lifespan?: boolean;
  /** Host header (default "testserver"). */
  host?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Sends requests to an app in-process, without a socket, through the same code that serves real
 * HTTP after the socket. Keeps cookies between requests and follows redirects. With `await using`
 * the app's lifespan runs: startup before the first request, shutdown when the block ends.
 *
 * @example
 * import { TestClient } from "loopwise/testing";
 * await using client = new TestClient(app);
 * const res = await client.get("/items/5", { query: { q: "x" } });
 * assert.equal(res.status, 200);
 * assert.deepEqual(res.json(), { item_id: 5, q: "x" });
 */
export class TestClient {
  readonly app: App;
  /** Cookies set by responses, sent with later requests. */
  readonly cookies = new Map<string, string>();
  readonly #options: Required<TestClientOptions>;
  #startedHere = false;
  #upgradeServer: Server | undefined;
  readonly #websockets = new Set<TestWebSocket>();

  constructor(app: App, options: TestClientOptions = {}) {
    this.app = app;
    this.#options = { followRedirects: options.followRedirects ?? true, lifespan: options.lifespan ?? true, host: options.host ?? "testserver" };
  }

  get(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("GET", url, options);
  }
  post(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("POST", url, options);
  }
  put(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("PUT", url, options);
  }
  patch(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("PATCH", url, options);
  }
  delete(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("DELETE", url, options);
  }
  head(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("HEAD", url, options);
  }
  options(url: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("OPTIONS", url, options);
  }

  /** Sends a request with any method. */
  async request(method: string, url: string, options: TestRequestOptions = {}): Promise<TestResponse> {
    if (this.#options.lifespan && !this.app.started) {
      await this.app.startup();
      this.#startedHere = true;
    }
    const follow = options.followRedirects ?? this.#options.followRedirects;
    const history: TestResponse[] = [];
    let current = { method: method.toUpperCase(), url: withQuery(url, options.query), options };
    for (;;) {
      const response = await this.#send(current.method, current.url, current.options, history);
      const location = response.header("location");
      if (!follow || !REDIRECTS.has(response.status) || location === undefined) return response;
      if (history.length >= 20) throw new Error(`More than 20 redirects, last to ${location}`);
      history.push(response);
      const next = new URL(location, `http://${this.#options.host}${current.url}`);
      const keepMethod = response.status === 307 || response.status === 308 || current.method === "GET" || current.method === "HEAD";
      current = {
        method: keepMethod ? current.method : "GET",
        url: next.pathname + next.search,
        options: keepMethod ? current.options : { headers: current.options.headers },
      };
    }
  }

  /**
   * Opens a WebSocket to the app, in-process: the handshake and frames go through Node's HTTP
   * parser and the `ws` library over an in-memory socket pair, the same code a real socket uses.
   * Rejects with `WebSocketDenied` (status, body) when the app refuses the connection.
   *
   * @example
   * await using ws = await client.websocket("/echo", { query: { token: "t" } });
   * await ws.send("hi");
   * assert.equal(await ws.receiveText(), "hi");
   */
  async websocket(url: string, options: TestWebSocketOptions = {}): Promise<TestWebSocket> {
    if (this.#options.lifespan && !this.app.started) {
      await this.app.startup();
      this.#startedHere = true;
    }
    const server = (this.#upgradeServer ??= createServer({ shouldUpgradeCallback: isWebSocketUpgrade }).on("upgrade", createUpgradeListener(this.app)));
    const [clientEnd, serverEnd] = duplexPair();
    server.emit("connection", asSocket(serverEnd));
    const headers: Record<string, string> = { ...options.headers };
    const jar = new Map(this.cookies);
    for (const [name, value] of Object.entries(options.cookies ?? {})) jar.set(name, value);
    if (jar.size > 0 && headers["cookie"] === undefined) headers["cookie"] = [...jar].map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join("; ");
    const ws = await TestWebSocket.open(`ws://${this.#options.host}${withQuery(url, options.query)}`, asSocket(clientEnd), headers, options.subprotocols ?? []);
    this.#websockets.add(ws);
    void ws.closed.then(() => this.#websockets.delete(ws));
    return ws;
  }

  /** Closes this client's WebSockets and runs the app's shutdown if this client started it. */
  async close(): Promise<void> {
    await Promise.all([...this.#websockets].map((ws) => ws.close()));
    if (this.#startedHere) {
      this.#startedHere = false;
      await this.app.shutdown();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #send(method: string, url: string, options: TestRequestOptions, history: TestResponse[]): Promise<TestResponse> {
    const headers: IncomingHttpHeaders = { host: this.#options.host, "user-agent": "loopwise-testclient" };
    let body: Buffer = Buffer.alloc(0);
    if (options.json !== undefined) {
      body = Buffer.from(JSON.stringify(options.json));
      headers["content-type"] = "application/json";
    } else if (options.files !== undefined) {
      const multipart = encodeMultipart(options.form ?? {}, options.files);
      body = multipart.body;
      headers["content-type"] = multipart.contentType;
    } else if (options.form !== undefined) {
      body = Buffer.from(stringifyQuery(options.form as Record<string, QueryValue | QueryValue[]>));
      headers["content-type"] = "application/x-www-form-urlencoded";
    } else if (options.body !== undefined) {
      body = Buffer.from(options.body);
    }
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value as string;
    const jar = new Map(this.cookies);
    for (const [name, value] of Object.entries(options.cookies ?? {})) jar.set(name, value);
    if (jar.size > 0 && headers["cookie"] === undefined) {
      headers["cookie"] = [...jar].map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join("; ");
    }
    if (body.length > 0 && headers["content-length"] === undefined) headers["content-length"] = String(body.length);

    const context: RequestContext = { id: nextRequestId(), method, url, route: "", startedAt: performance.now(), profile: undefined };
    const sink = new MemorySink();
    await requestContext.run(context, () =>
      serveRequest(this.app, { method, url, headers, body: new BufferBodySource(body), client: { host: "testclient", port: 50000 }, context }, sink),
    );
    await sink.finished;
    this.#storeCookies(sink.headers["set-cookie"]);
    return new TestResponse(sink.status, sink.headers, Buffer.concat(sink.chunks), url, [...history]);
  }

  #storeCookies(setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      let value = pair.slice(eq + 1).trim();
      try {
        value = decodeURIComponent(value);
      } catch {
        // keep the raw value
      }
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

// The in-memory pair stands in for a TCP socket: Node's HTTP server and `ws` tune sockets they get.
function asSocket(end: Duplex): Duplex {
  const socket = end as Duplex & Record<string, unknown>;
  socket["setTimeout"] = () => socket;
  socket["setNoDelay"] = () => socket;
  socket["setKeepAlive"] = () => socket;
  socket["remoteAddress"] = "testclient";
  socket["remotePort"] = 50000;
  return socket;
}

function withQuery(url: string, query: TestRequestOptions["query"]): string {
  if (!query || Object.keys(query).length === 0) return url;
  return url + (url.includes("?") ? "&" : "?") + stringifyQuery(query as Record<string, QueryValue | QueryValue[]>);
}
