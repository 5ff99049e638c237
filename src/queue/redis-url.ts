/** Where a Redis server is, as read from a `redis://` URL (ioredis connection options). */
export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** Database number (`SELECT`). */
  db: number;
  /** Present for `rediss://`: connect with TLS, checking the certificate against `servername`. */
  tls?: { servername?: string };
}

/** Where the URL is wrong, said plainly (the URL itself may hold a password: never echoed). */
export class RedisUrlError extends Error {
  override readonly name = "RedisUrlError";
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Reads `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS). We check the URL
 * ourselves rather than hand it to ioredis, which accepts almost anything and would only fail,
 * much later, at the first connection.
 *
 * @example
 * parseRedisUrl("redis://:secret@127.0.0.1:6380/2");
 * // { host: "127.0.0.1", port: 6380, password: "secret", db: 2 }
 */
export function parseRedisUrl(url: string): RedisEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError("The Redis URL is not a valid URL: expected redis://[[user]:password@]host[:port][/db]");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new RedisUrlError(`The Redis URL must start with redis:// or rediss://, not ${parsed.protocol}//`);
  }
  if (parsed.hostname === "") throw new RedisUrlError("The Redis URL has no host: expected redis://host[:port][/db]");
  const dbText = parsed.pathname.replace(/^\//, "");
  if (!/^\d{0,5}$/.test(dbText)) throw new RedisUrlError("The Redis URL's path must be a database number (redis://host:6379/0)");
  const ipv6 = parsed.hostname.startsWith("[");
  const host = ipv6 ? parsed.hostname.slice(1, -1) : parsed.hostname;
  if (parsed.port === "0") throw new RedisUrlError("The Redis URL's port must be from 1 to 65535");
  const endpoint: RedisEndpoint = { host, port: parsed.port === "" ? 6379 : Number(parsed.port), db: dbText === "" ? 0 : Number(dbText) };
  try {
    if (parsed.username !== "") endpoint.username = decodeURIComponent(parsed.username);
    if (parsed.password !== "") endpoint.password = decodeURIComponent(parsed.password);
  } catch {
    throw new RedisUrlError("The Redis URL's user or password is not properly %-encoded (write % as %25)");
  }
  // A certificate names a host, not an address: SNI only for names.
  if (parsed.protocol === "rediss:") endpoint.tls = ipv6 || IPV4.test(host) ? {} : { servername: host };
  return endpoint;
}

/** `host:port`, for messages (never the password). */
export function describeServer(endpoint: { host?: string | undefined; port?: number | undefined }): string {
  const host = endpoint.host ?? "localhost";
  const port = endpoint.port ?? 6379;
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
