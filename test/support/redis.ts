// A real redis-server for the queue tests: installed from Debian when missing, started on a free
// loopback port in a temporary folder (no persistence unless asked), stopped (and its folder
// removed) afterwards. restart() kills it and starts it again on the same port: empty, or with
// its data back when started with `persistent: true`.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** A running redis-server started by a test. */
export interface TestRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server (SIGKILL: connections drop at once, as when the machine goes away). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Stops it for good and removes its folder. */
  close(): Promise<void>;
}

function hasRedisServer(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs Debian's redis-server once (the tests run as root on CI). Test files run in parallel:
 * flock makes the second one wait for the first one's install instead of fighting over dpkg's lock.
 */
export function ensureRedisServer(): void {
  if (hasRedisServer()) return;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const script = "command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server; }";
  execFileSync("flock", [path.join(tmpdir(), "loopwise-redis-install.lock"), "sh", "-c", script], { stdio: "inherit", env, timeout: 600_000 });
  if (!hasRedisServer()) throw new Error("apt-get installed redis-server, but it is still not on PATH");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts a redis-server on a free 127.0.0.1 port. `persistent` keeps an fsync'd append-only
 * file, so restart() brings the data back.
 *
 * @example
 * const redis = await startRedis();
 * after(() => redis.close());
 */
export async function startRedis(options: { persistent?: boolean } = {}): Promise<TestRedis> {
  ensureRedisServer();
  const dir = mkdtempSync(path.join(tmpdir(), "loopwise-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = "";

  const start = async () => {
    if (child) return;
    log = "";
    const started = spawn(
      "redis-server",
      [
        ...["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir, "--protected-mode", "yes", "--loglevel", "warning"],
        // Persistent: every write reaches the append-only file before the reply, so a killed and
        // restarted server has all its jobs back, as a production Redis configured for queues would.
        ...(options.persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child = started;
    started.stdout!.on("data", (d) => (log += d));
    started.stderr!.on("data", (d) => (log += d));
    started.once("exit", () => {
      if (child === started) child = undefined;
    });
    try {
      await waitUntil(async () => {
        if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}: ${log}`);
        return canConnect(port);
      }, `redis-server did not accept connections on port ${port}`);
    } catch (error) {
      started.kill("SIGKILL");
      throw error;
    }
  };

  const stop = async () => {
    const running = child;
    if (!running) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGKILL");
    await exited;
    child = undefined;
    await waitUntil(async () => !(await canConnect(port)), `port ${port} still accepted connections after redis-server stopped`);
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
