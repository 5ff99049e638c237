import { HTTPException } from "../errors/http-exception.js";

/**
 * The 401 every security helper raises for missing or malformed credentials: FastAPI's
 * `{"detail": "Not authenticated"}` with a `WWW-Authenticate` challenge naming the scheme.
 */
export function notAuthenticated(challenge: string): HTTPException {
  return new HTTPException(401, "Not authenticated", { "WWW-Authenticate": challenge });
}
