import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { App } from "../app.js";
import { createRequestListener, type ConnectionState } from "./node-listener.js";
import { createUpgradeListener } from "../websocket/upgrade.js";
import { isWebSocketUpgrade } from "../websocket/handshake.js";
import { limitConcurrency } from "./concurrency-limit.js";
import { logRequests } from "./request-log.js";
import { IDLE_CONNECTION_GRACE_MS, openConnections, stopAccepting } from "./stop-accepting.js";
import { setTimeout as sleep } from "node:timers/promises";
import { performance } from "node:perf_hooks";
import process from "node:process";

/** Options of `app.listen()` / `app.serve()`. */
export interface ListenOptions {
  /** Port (default: `PORT` from the environment, else 8000; 0 picks a free one). */
  port?: number;
  /** Interface (default "127.0.0.1"; "0.0.0.0" for all). */
  host?: string;
  /** Idle keep-alive connections close after this many ms (default 5000, as uvicorn). */
  keepAliveTimeout?: number;
  /** Time allowed to receive the request headers, in ms (default 60000). */
  headersTimeout?: number;
  /** Time allowed to receive the whole request, in ms (default 300000). */
  requestTimeout?: number;
  /** Largest request header block in bytes (default 16384); larger gets 431. */
  maxHeaderSize?: number;
  /** On shutdown, how long in-flight requests may take before connections are cut, in ms (default 30000). */
  gracefulTimeout?: number;
  /** Drain, run shutdown hooks and exit 0 on SIGTERM / SIGINT (default true). */
  handleSignals?: boolean;
  /** Answer 503 (with `Retry-After`) to requests beyond this many in flight in this process (default: no limit). */
  limitConcurrency?: number;
  /** Log one line per request from the server, uvicorn-style (default false; the app may log its own). */
  accessLog?: boolean;
}

/** A listening server. */
export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly host: string;
  /** `http://host:port`. */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish (up to the graceful timeout), runs shutdown. */
  close(): Promise<void>;
}

/** Creates, starts and wires the `node:http` server of an app. */
export async function startHttpServer(app: App, options: ListenOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? (process.env["PORT"] ? Number(process.env["PORT"]) : 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`Invalid port: ${port}`);
  const state: ConnectionState = { inFlight: 0, draining: false, onIdle: undefined };
  let listener = createRequestListener(app, state);
  if (options.limitConcurrency !== undefined) listener = limitConcurrency(listener, app, state, options.limitConcurrency);
  if (options.accessLog) listener = logRequests(listener, app.logger);
  const server = createServer(
    {
      maxHeaderSize: options.maxHeaderSize ?? 16384,
      headersTimeout: options.headersTimeout ?? 60_000,
      requestTimeout: options.requestTimeout ?? 300_000,
      keepAliveTimeout: options.keepAliveTimeout ?? 5_000,
      shouldUpgradeCallback: isWebSocketUpgrade,
    },
    listener,
  );
  server.on("upgrade", createUpgradeListener(app, () => state.draining));
  server.on("connection", rememberPeer);

  // The watchdog starts first: a block during startup is reported too (as outside any request).
  app.watch?.start({ accessLog: options.accessLog === true });
  try {
    await app.startup();
  } catch (error) {
    await app.watch?.stop();
    throw error;
  }
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await app.shutdown();
    await app.watch?.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new Error(`Port ${port} on ${host} is already in use: stop the other server or choose another port`, { cause: error });
    if (code === "EACCES") throw new Error(`Not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`, { cause: error });
    throw error;
  }
  const address = server.address() as AddressInfo;
  const gracefulTimeout = options.gracefulTimeout ?? 30_000;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      removeSignalHandlers();
      state.draining = true;
      // The dashboard's live streams would otherwise hold the drain for the whole graceful timeout.
      app.watch?.closeStreams();
      const drainStarted = performance.now();
      const stopped = stopAccepting(server);
      // Upgraded sockets are no longer the HTTP server's to close: say goodbye (1001) to each.
      const websocketsClosed = app.closeWebSockets(gracefulTimeout);
      // A client may already have sent its next request on a kept-alive connection that looks
      // idle here; closing it now would reset that request. Such connections stay open for a
      // moment, and what arrives on them is answered with `Connection: close`.
      if ((await openConnections(server)) > 0) await sleep(Math.min(IDLE_CONNECTION_GRACE_MS, gracefulTimeout));
      server.closeIdleConnections();
      if (state.inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, gracefulTimeout - (performance.now() - drainStarted)));
          state.onIdle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      server.closeAllConnections();
      await websocketsClosed;
      await stopped;
      try {
        await app.shutdown();
      } finally {
        await app.watch?.stop();
      }
    })());

  const onSignal = (signal: NodeJS.Signals) => {
    app.logger.info({ signal }, `Received ${signal}: draining ${state.inFlight} in-flight request(s)`);
    close().then(
      () => process.exit(0),
      (error) => {
        app.logger.error({ err: error }, "Shutdown failed");
        process.exit(1);
      },
    );
  };
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }
  function removeSignalHandlers() {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }

  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  app.logger.info({ url }, `loopwise serving ${app.title} on ${url}`);
  app.watch?.listening(url);
  return { server, port: address.port, host: address.address, url, close };
}

/**
 * Asks the new connection for its peer once: Node keeps the answer on the socket, so requests can
 * read `req.client` after the socket closed without each request asking (two getter calls that
 * cost a small request about 0.2%).
 */
function rememberPeer(socket: Socket): void {
  void socket.remoteAddress;
}
