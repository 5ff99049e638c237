/**
 * An authenticated CRUD API: OAuth2 password flow with scopes, an item router whose requests run
 * in a transaction (a generator dependency: committed after the response, rolled back on error),
 * and its docs at /docs (Swagger UI, with a working "Authorize") and /redoc, served offline.
 *
 * Users: alice / wonderland (items:read, items:write), bob / builder (items:read).
 *
 * Run: `node --conditions=loopwise-source --import tsx examples/crud-auth/app.ts`, then open
 * http://127.0.0.1:8000/docs.
 */
import { App } from "loopwise";
import { authRouter, currentUserDependency } from "./auth.js";
import { itemsRouter } from "./items.js";
import { ItemStore } from "./store.js";
import { TokenSigner } from "./tokens.js";
import { UserStore } from "./users.js";

/** A fresh app with its own users, items and token secret. */
export function createApp(options: { logger?: boolean; secret?: string } = {}): App {
  const app = new App({
    title: "Inventory",
    version: "1.0.0",
    description: "A small authenticated CRUD API. Log in with **Authorize** (alice / wonderland).",
    logger: options.logger === false ? false : { level: process.env["LOG_LEVEL"] ?? "info" },
    openapiTags: [
      { name: "auth", description: "Tokens and the signed-in user." },
      { name: "items", description: "The inventory. Listing is public; the rest needs a token." },
    ],
    swaggerUiParameters: { persistAuthorization: false },
  });
  const users = new UserStore();
  users.add("alice", "wonderland", "Alice Liddell", ["items:read", "items:write"]);
  users.add("bob", "builder", "Bob the Builder", ["items:read"]);
  const signer = new TokenSigner(options.secret ?? process.env["TOKEN_SECRET"]);
  const currentUser = currentUserDependency(users, signer);
  app.include(authRouter(users, signer, currentUser));
  app.include(itemsRouter(new ItemStore(), currentUser));
  app.get("/health", { tags: ["health"] }, function health() {
    return { status: "ok" };
  });
  return app;
}

export const app = createApp();

if (import.meta.main) {
  await app.listen({ port: Number(process.env["PORT"] ?? 8000), host: process.env["HOST"] ?? "127.0.0.1" });
}
