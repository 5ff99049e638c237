import type { Server } from "node:http";

/** How long connections that look idle stay open once a server stops accepting (ms). */
export const IDLE_CONNECTION_GRACE_MS = 500;

/**
 * Stops accepting connections; resolves once every open one has closed. Unlike a bare
 * `server.close()`, idle keep-alive connections are left open: since Node 19 `close()` destroys
 * them at once, which resets a request a client had just sent on one. The caller closes them
 * after a grace period (`server.closeIdleConnections()`).
 *
 * @example
 * const stopped = stopAccepting(server);
 * await sleep(IDLE_CONNECTION_GRACE_MS);
 * server.closeIdleConnections();
 * await stopped;
 */
export function stopAccepting(server: Server): Promise<void> {
  const closeIdle = Object.getOwnPropertyDescriptor(server, "closeIdleConnections");
  // close() calls this method to destroy idle connections; shadowed for that one call only, so
  // Node still stops its request-timeout checks. A Node that closed them another way would only
  // bring back the old behaviour.
  server.closeIdleConnections = () => {};
  try {
    return new Promise((resolve) => server.close(() => resolve()));
  } finally {
    if (closeIdle) Object.defineProperty(server, "closeIdleConnections", closeIdle);
    else Reflect.deleteProperty(server, "closeIdleConnections");
  }
}

/** How many connections the server has open. */
export function openConnections(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}
