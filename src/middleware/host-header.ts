/** A `Host` header split into its parts. */
export interface HostHeader {
  /** Lowercase name or IP (IPv6 with its brackets). */
  hostname: string;
  port: number | undefined;
}

const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/i;

/** Parses a `Host` header; undefined when absent or not a valid `host[:port]`. */
export function parseHostHeader(value: string | string[] | undefined): HostHeader | undefined {
  if (typeof value !== "string") return undefined;
  const match = HOST.exec(value);
  if (!match) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && port > 65535) return undefined;
  return { hostname: match[1]!.toLowerCase(), port };
}
