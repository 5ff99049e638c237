import { Redis, type RedisOptions } from "ioredis";
import process from "node:process";

/**
 * How a connection behaves while Redis is down, by what it is for:
 *
 * - `producer` (enqueue, publish, statistics): fails fast. No offline queue, so a command sent
 *   while disconnected is refused at once, and no reconnection loop: a lost connection ends, and
 *   the next enqueue opens a new one, so it learns *now* whether Redis is back.
 * - `waiting` (workers, consumers, result readers): waits the outage out. Commands are held while
 *   reconnecting (`maxRetriesPerRequest: null`, as BullMQ requires for workers) and reconnection
 *   goes on for ever, from 50 ms up to every 2 s, so a restarted Redis is found again quickly.
 */
export type RedisRole = "producer" | "waiting";

/** The reconnect delay after failed attempt `attempt` (1, 2, ...): 50 ms doubling up to 2 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt - 1, 6), 2000);
}

/** ioredis options with a reconnect strategy always given (BullMQ's option type wants a function). */
export type RoleOptions = RedisOptions & { retryStrategy: (attempt: number) => number | null };

/**
 * ioredis options for a connection of `role` to the server `base` describes (what
 * `redisClientOptions()` gives); `name`, followed by the process id, shows in Redis's CLIENT LIST.
 *
 * @example
 * new Worker("default", processor, { connection: roleOptions(base, "waiting", "loopwise:worker") });
 */
export function roleOptions(base: RedisOptions, role: RedisRole, name: string): RoleOptions {
  const connectionName = `${name}:${process.pid}`;
  if (role === "producer") {
    return { ...base, connectionName, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null };
  }
  return { ...base, connectionName, enableOfflineQueue: true, maxRetriesPerRequest: null, retryStrategy: reconnectDelay };
}

/**
 * A new ioredis client of `role`, connecting at once. Its errors are the caller's to report (the
 * enqueue that failed, a consumer's log): this only keeps ioredis from printing them itself.
 *
 * @example
 * const producer = createRedisClient(base, "producer", "loopwise:producer");
 */
export function createRedisClient(base: RedisOptions, role: RedisRole, name: string): Redis {
  const client = new Redis(roleOptions(base, role, name));
  client.on("error", () => {});
  return client;
}

/**
 * Closes `client` for good: QUIT when connected (replies due arrive first), else drops it at
 * once. Resolves once its socket is closed, so nothing of it keeps the process alive.
 */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === "end") return;
  // Waiting to reconnect there is no socket, so no "end" to wait for: cancelling the retry is all.
  if (client.status === "reconnecting" || client.status === "wait") {
    client.disconnect();
    return;
  }
  const ended = new Promise((resolve) => client.once("end", resolve));
  if (client.status === "ready") await client.quit().catch(() => client.disconnect());
  else client.disconnect();
  await ended;
}
