/**
 * Why a string is not a URL, in the words pydantic reports (those of Rust's `url` crate), or
 * undefined when WHATWG URL parsing accepts it (the caller then names a different problem).
 *
 * @example
 * urlParseError("example.com") // "relative URL without a base"
 */
export function urlParseError(input: string): string | undefined {
  if (input === "") return "input is empty";
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(input)) return "relative URL without a base";
  if (URL.canParse(input)) return undefined;
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(input)?.[1];
  if (authority !== undefined) {
    const host = authority.slice(authority.lastIndexOf("@") + 1);
    if (host === "" || host.startsWith(":")) return "empty host";
    if (host.startsWith("[")) return "invalid IPv6 address";
    const port = /:([^:]*)$/.exec(host)?.[1];
    if (port !== undefined && !/^\d{0,5}$/.test(port)) return "invalid port number";
    if (port !== undefined && Number(port) > 65535) return "invalid port number";
  }
  return "invalid domain character";
}

/** Schemes tried against a zod URL schema's `protocol` pattern to list which it allows. */
const KNOWN_SCHEMES = ["http", "https", "ws", "wss", "ftp", "ftps", "file", "mailto", "redis", "rediss", "postgres", "postgresql", "mysql", "amqp", "kafka", "mongodb"];

/**
 * The well-known schemes a zod URL schema's `protocol` pattern allows (`/^https?$/` gives
 * `["http", "https"]`); empty when none of them matches.
 */
export function expectedSchemes(protocol: RegExp): string[] {
  return KNOWN_SCHEMES.filter((scheme) => {
    protocol.lastIndex = 0;
    return protocol.test(scheme);
  });
}
