// A real Redis Sentinel group for the queue tests: a primary, one replica and one sentinel
// (redis-server in --sentinel mode), each on a free loopback port in a temporary folder. The
// sentinel declares the primary down after 500 ms, so a failover takes a few seconds.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { ensureRedisServer } from "../support/redis.js";

export interface SentinelGroup {
  /** The name the sentinel knows the group by (ioredis's `name` option). */
  readonly name: string;
  readonly sentinelPort: number;
  readonly primaryPort: number;
  readonly replicaPort: number;
  /** The port of the server the sentinel calls primary now. */
  currentPrimaryPort(): Promise<number>;
  /** Waits until the replica has every write the primary acknowledged so far. */
  syncReplica(): Promise<void>;
  /** SIGKILLs the primary (the replica's data is what survives). */
  killPrimary(): Promise<void>;
  close(): Promise<void>;
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

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A short-lived plain client: probes must not reconnect behind the test's back. */
async function ask<T>(port: number, command: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  try {
    await client.connect();
    return await command(client);
  } finally {
    client.disconnect();
  }
}

/**
 * Starts a primary, a replica of it and a sentinel watching them.
 *
 * @example
 * const group = await startSentinelGroup();
 * configureQueue({ redisOptions: { sentinels: [{ host: "127.0.0.1", port: group.sentinelPort }], name: group.name } });
 */
export async function startSentinelGroup(): Promise<SentinelGroup> {
  ensureRedisServer();
  const dir = mkdtempSync(path.join(tmpdir(), "loopwise-sentinel-"));
  const [primaryPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
  const name = "loopwise-test";
  const children: ChildProcess[] = [];
  const server = (args: string[]) => {
    const child = spawn("redis-server", [...args, "--bind", "127.0.0.1", "--loglevel", "warning"], { stdio: "ignore" });
    children.push(child);
    return child;
  };
  const killAll = () =>
    Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGKILL");
        return exited;
      }),
    );
  try {
    const ping = (port: number) => ask(port, (c) => c.ping()).then((pong) => (pong === "PONG" ? true : undefined));
    // No 5 s wait for more replicas before the first sync.
    const common = ["--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0"];
    server(["--port", String(primaryPort), "--dir", dir, "--dbfilename", "primary.rdb", ...common]);
    server(["--port", String(replicaPort), "--dir", dir, "--dbfilename", "replica.rdb", "--replicaof", "127.0.0.1", String(primaryPort), ...common]);
    await until(() => ping(primaryPort), "the primary did not answer");
    await until(
      () => ask(replicaPort, (c) => c.info("replication")).then((info) => (/master_link_status:up/.test(info) ? true : undefined)),
      "the replica did not sync with the primary",
    );
    // A sentinel rewrites its configuration file: it must have one of its own.
    const config = path.join(dir, "sentinel.conf");
    writeFileSync(
      config,
      [
        `port ${sentinelPort}`,
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 1`,
        `sentinel down-after-milliseconds ${name} 500`,
        `sentinel failover-timeout ${name} 5000`,
        "",
      ].join("\n"),
    );
    server([config, "--sentinel"]);
    await until(
      () => ask(sentinelPort, (c) => c.call("SENTINEL", "REPLICAS", name) as Promise<unknown[]>).then((replicas) => (replicas.length > 0 ? true : undefined)),
      "the sentinel did not discover the replica",
    );
  } catch (error) {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    name,
    sentinelPort,
    primaryPort,
    replicaPort,
    currentPrimaryPort: () => ask(sentinelPort, (c) => c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", name) as Promise<[string, string]>).then(([, port]) => Number(port)),
    syncReplica: async () => {
      const acknowledged = await ask(primaryPort, (c) => c.call("WAIT", 1, 5000) as Promise<number>);
      if (acknowledged < 1) throw new Error("the replica did not acknowledge the primary's writes");
    },
    killPrimary: async () => {
      const primary = children[0]!;
      const exited = new Promise<void>((resolve) => primary.once("exit", () => resolve()));
      primary.kill("SIGKILL");
      await exited;
    },
    close: async () => {
      await killAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
