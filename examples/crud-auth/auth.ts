import { z } from "zod";
import { depends, HTTPException, oauth2PasswordBearer, oauth2PasswordRequestForm, Router, type Dependency } from "loopwise";
import type { TokenSigner } from "./tokens.js";
import type { User, UserStore } from "./users.js";

/** The scopes of the API, as the docs' "Authorize" dialog lists them. */
export const SCOPES = {
  "items:read": "Read items.",
  "items:write": "Create, change and delete items.",
};

export const Token = z.object({ access_token: z.string(), token_type: z.literal("bearer") }).meta({ id: "Token" });

export const UserOut = z.object({ username: z.string(), fullName: z.string(), scopes: z.array(z.string()) }).meta({ id: "User" });

/** The bearer token of a request; "Authorize" in the docs gets one from `POST /token`. */
export const oauth2 = oauth2PasswordBearer({ tokenUrl: "token", scopes: SCOPES });

/** The signed-in user's dependency, checking the scopes every dependant above it asked for. */
export function currentUserDependency(users: UserStore, signer: TokenSigner): Dependency<User> {
  return depends({ deps: { token: oauth2 } }, function currentUser({ deps, securityScopes }) {
    const challenge = securityScopes.scopes.length > 0 ? `Bearer scope="${securityScopes.scopeStr}"` : "Bearer";
    const claims = signer.verify(deps.token);
    const user = claims && users.find(claims.sub);
    if (!claims || !user) throw new HTTPException(401, "Could not validate credentials", { "WWW-Authenticate": challenge });
    for (const scope of securityScopes.scopes) {
      if (!claims.scopes.includes(scope)) throw new HTTPException(403, "Not enough permissions", { "WWW-Authenticate": challenge });
    }
    return user;
  });
}

/** `POST /token` (the OAuth2 password flow) and `GET /users/me`. */
export function authRouter(users: UserStore, signer: TokenSigner, currentUser: Dependency<User>): Router {
  const router = new Router({ tags: ["auth"] });
  router.post("/token", { deps: { form: oauth2PasswordRequestForm }, response: Token, summary: "Log in for an access token" }, function login({ deps }) {
    const user = users.authenticate(deps.form.username, deps.form.password);
    if (!user) throw new HTTPException(400, "Incorrect username or password");
    // A token carries only the scopes both asked for and granted to the user.
    const scopes = deps.form.scopes.filter((scope) => user.scopes.includes(scope));
    return { access_token: signer.issue(user.username, scopes), token_type: "bearer" as const };
  });
  router.get("/users/me", { deps: { user: currentUser }, response: UserOut }, function readCurrentUser({ deps }) {
    return deps.user;
  });
  return router;
}
