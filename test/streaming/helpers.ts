import net from "node:net";
import { App } from "loopwise";
import type { RunningServer } from "loopwise";
import { pino } from "pino";

/** Polls `check` every `everyMs` until it returns true, failing after `withinMs`. */
export async function waitFor(check: () => boolean, what: string, withinMs = 10_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until `read()` stops changing for `quietMs` (a paused producer), bounded by `withinMs`. */
export async function waitUntilSteady(read: () => number, quietMs = 300, withinMs = 15_000): Promise<number> {
  const deadline = Date.now() + withinMs;
  let last = read();
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    const now = read();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return now;
    }
    if (Date.now() > deadline) throw new Error(`Never settled; last value ${now}`);
  }
}

/** An app whose error logs are captured. */
export function appWithLogs(): { app: App; lines: any[] } {
  const lines: any[] = [];
  const logger = pino({ level: "warn" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { app: new App({ logger }), lines };
}

/** Starts `app` on a free loopback port. */
export function serve(app: App): Promise<RunningServer> {
  return app.serve({ port: 0, host: "127.0.0.1", handleSignals: false, gracefulTimeout: 2000 });
}

/** A raw connection that sends `request` and collects everything received. */
export function rawConnection(port: number, request: string): { socket: net.Socket; received: () => Buffer; closed: Promise<void> } {
  const socket = net.connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  socket.on("data", (d) => chunks.push(d));
  socket.on("error", () => undefined);
  socket.write(request);
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return { socket, received: () => Buffer.concat(chunks), closed };
}
