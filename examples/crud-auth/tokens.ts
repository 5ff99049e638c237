import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** What a token carries: who, which scopes, until when (seconds since the epoch). */
export interface TokenClaims {
  sub: string;
  scopes: string[];
  exp: number;
}

/**
 * Signed tokens, `payload.signature` in base64url, HMAC-SHA256: enough for an example. A real
 * service would use JWTs from a library and a secret from its configuration.
 */
export class TokenSigner {
  readonly #secret: Buffer;
  readonly #lifetimeSeconds: number;

  constructor(secret: string | undefined, lifetimeSeconds = 30 * 60) {
    this.#secret = secret ? Buffer.from(secret) : randomBytes(32);
    this.#lifetimeSeconds = lifetimeSeconds;
  }

  issue(sub: string, scopes: string[], now = Date.now()): string {
    const claims: TokenClaims = { sub, scopes, exp: Math.floor(now / 1000) + this.#lifetimeSeconds };
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return `${payload}.${this.#sign(payload)}`;
  }

  /** The claims of a valid, unexpired token; undefined for anything else. */
  verify(token: string, now = Date.now()): TokenClaims | undefined {
    const [payload, signature, extra] = token.split(".");
    if (!payload || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.#sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
    } catch {
      return undefined;
    }
    if (typeof claims.sub !== "string" || !Array.isArray(claims.scopes) || typeof claims.exp !== "number") return undefined;
    return claims.exp * 1000 > now ? claims : undefined;
  }

  #sign(payload: string): string {
    return createHmac("sha256", this.#secret).update(payload).digest("base64url");
  }
}
