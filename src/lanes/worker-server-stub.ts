import { createServer } from "node:http";
import type { RunningServer } from "../server/http-server.js";

/**
 * What `app.listen()` / `app.serve()` return inside a pool worker: a server that never listens.
 * A worker imports the app's module to find its thread-lane code; the main thread owns the
 * socket, so a top-level `await app.listen()` there must neither bind a port nor hang.
 */
export function workerServerStub(): RunningServer {
  return { server: createServer(), port: 0, host: "", url: "", close: async () => {} };
}
