/**
 * The HTTP header a declared header parameter reads: lowercase, `_` → `-`, camelCase →
 * kebab-case, as FastAPI's `convert_underscores` does for Python names. Node gives header names
 * in lowercase, so this is also the lookup key.
 *
 * @example
 * headerWireName("x_token") // "x-token"
 * headerWireName("xToken") // "x-token"
 * headerWireName("X-Token") // "x-token"
 * headerWireName("userAgent") // "user-agent"
 */
export function headerWireName(declared: string): string {
  return declared
    .replace(/_/g, "-")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
}
