// The readiness protocol every benchmark server follows: print the bound port, alone on a line,
// once listening; exit when the harness goes away (stdin closes) or asks (SIGTERM/SIGINT).
import type { AddressInfo } from "node:net";

interface Closable {
  address(): AddressInfo | string | null;
  close(callback?: (error?: Error) => void): unknown;
}

/** Port for a server started by hand (`PORT=3000 node ... bench/servers/node-http.ts`); 0 = any. */
export function requestedPort(): number {
  const port = Number(process.env.PORT ?? 0);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 0;
}

/**
 * Prints `server`'s port on stdout and wires the shutdown paths.
 *
 * @example
 * const server = createServer(handler).listen(0, "127.0.0.1", () => announce(server));
 */
export function announce(server: Closable): void {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server is not listening on TCP");
  process.stdout.write(`${address.port}\n`);
  const shutdown = (): void => {
    server.close(() => process.exit(0));
    // Keep-alive connections from the load generator may hold close() open; do not wait on them.
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
  if (process.env.LOOPWISE_BENCH_CHILD === "1") {
    // The harness holds our stdin open; if it dies without killing us, stdin ends and so do we.
    process.stdin.on("end", shutdown).resume();
  }
}
