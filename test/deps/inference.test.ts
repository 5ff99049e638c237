// Type inference of dependencies is checked by `tsc --noEmit` (part of `npm test`): each
// expected-error directive below must meet an error, and every typed assignment must compile.
// The runtime test only makes sure the file is also executed.
import { it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import {
  App,
  apiKeyHeader,
  depends,
  httpBasic,
  httpBearer,
  oauth2PasswordBearer,
  oauth2PasswordRequestForm,
  Router,
  security,
  type Dependency,
} from "loopwise";

const app = new App({ logger: false });

interface User {
  name: string;
  admin: boolean;
}

const pagination = depends({ query: { skip: z.number().int().default(0), limit: z.number().int().optional() } }, ({ query }) => {
  const skip: number = query.skip;
  const limit: number | undefined = query.limit;
  // @ts-expect-error only declared query parameters exist
  void query.page;
  return { skip, limit };
});

const session = depends(async function* getSession() {
  yield { query: (sql: string) => sql.length };
});

const syncValue = depends(function* syncGen() {
  yield 42 as const;
});

const oauth2 = oauth2PasswordBearer({ tokenUrl: "token" });
const maybeToken = oauth2PasswordBearer({ tokenUrl: "token", autoError: false });

const currentUser = depends({ deps: { token: oauth2, db: session } }, async ({ deps, securityScopes }): Promise<User> => {
  const token: string = deps.token;
  const rows: number = deps.db.query("select");
  const scopes: readonly string[] = securityScopes.scopes;
  // @ts-expect-error a token is a string
  const wrong: number = deps.token;
  void [rows, scopes, wrong];
  return { name: token, admin: false };
});

app.get(
  "/items/{item_id}",
  {
    path: { item_id: z.number().int() },
    deps: { page: pagination, user: security(currentUser, { scopes: ["items"] }), answer: syncValue, optional: maybeToken },
  },
  ({ path, deps }) => {
    const id: number = path.item_id;
    const skip: number = deps.page.skip;
    const user: User = deps.user;
    const answer: 42 = deps.answer;
    const optional: string | undefined = deps.optional;
    // @ts-expect-error with autoError: false the token may be undefined
    const definitely: string = deps.optional;
    // @ts-expect-error no such dependency
    void deps.missing;
    // @ts-expect-error the user has no email
    void deps.user.email;
    void [definitely, optional];
    return { id, skip, user, answer };
  },
);

app.get("/no-deps", ({ deps }) => {
  // @ts-expect-error a route without deps has none
  void deps.anything;
  return 1;
});

app.post("/token", { deps: { form: oauth2PasswordRequestForm } }, ({ deps }) => {
  const username: string = deps.form.username;
  const scopes: string[] = deps.form.scopes;
  return { access_token: username, scopes };
});

app.get("/creds", { deps: { basic: httpBasic(), bearer: httpBearer({ autoError: false }), key: apiKeyHeader({ name: "X-Key" }) } }, ({ deps }) => {
  const password: string = deps.basic.password;
  const key: string = deps.key;
  // @ts-expect-error optional bearer credentials may be undefined
  void deps.bearer.credentials;
  return { password, key, bearer: deps.bearer?.credentials };
});

assert.throws(
  // @ts-expect-error `dependencies` takes dependencies, not plain functions
  () => app.get("/bad", { dependencies: [() => 1] }, () => 1),
  /must be made with depends/,
);

const counted: Dependency<number> = depends(() => 1);
// @ts-expect-error a Dependency<number> is not a Dependency<string>
const mistyped: Dependency<string> = counted;
void mistyped;

const router = new Router({ prefix: "/r", dependencies: [pagination] });
router.get("/x", { deps: { user: currentUser } }, ({ deps }) => deps.user.name);
app.include(router);

it("the typed routes and dependencies register", () => {
  assert.equal(app.routes.length, 5);
});
