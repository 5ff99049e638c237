import { z } from "zod";
import { depends, HTTPException, Router, security, type Dependency } from "loopwise";
import type { ItemStore } from "./store.js";
import type { User } from "./users.js";

export const ItemIn = z
  .object({
    name: z.string().min(1).max(100),
    description: z.string().max(1000).nullable().default(null),
    price: z.number().positive(),
  })
  .meta({ id: "ItemIn", examples: [{ name: "Plumbus", description: "A regular plumbus", price: 9.99 }] });

export const ItemOut = z.object({ id: z.number().int(), name: z.string(), description: z.string().nullable(), price: z.number(), owner: z.string() }).meta({ id: "Item" });

const Message = z.object({ detail: z.string() }).meta({ id: "Message" });

/** Pagination shared by list endpoints. */
const page = depends(
  { query: { skip: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(100).default(20) } },
  ({ query }) => query,
);

/**
 * The `/items` router: listing is public, reading needs `items:read`, changes need
 * `items:write`. Every request works in one transaction (a generator dependency), committed
 * once the handler's result is ready and before the response is sent, and rolled back when
 * anything fails.
 */
export function itemsRouter(store: ItemStore, currentUser: Dependency<User>): Router {
  // Committed before the response goes out: a client that got 201 finds the item.
  const transaction = depends({ teardown: "before-response" }, function* itemTransaction() {
    const tx = store.begin();
    try {
      yield tx;
      tx.commit();
    } catch (error) {
      tx.rollback();
      throw error;
    }
  });
  const reader = security(currentUser, { scopes: ["items:read"] });
  const writer = security(currentUser, { scopes: ["items:write"] });
  const itemId = { item_id: z.number().int().positive() };
  const notFound = (id: number) => new HTTPException(404, `Item ${id} not found`);

  const router = new Router({ prefix: "/items", tags: ["items"], responses: { 404: { description: "Item not found", schema: Message } } });

  router.get("/", { deps: { page, tx: transaction }, response: z.array(ItemOut) }, function listItems({ deps }) {
    return deps.tx.list(deps.page.skip, deps.page.limit);
  });

  router.get("/{item_id}", { path: itemId, deps: { user: reader, tx: transaction }, response: ItemOut }, function readItem({ path, deps }) {
    const item = deps.tx.get(path.item_id);
    if (!item) throw notFound(path.item_id);
    return item;
  });

  router.post("/", { body: ItemIn, status: 201, deps: { user: writer, tx: transaction }, response: ItemOut }, function createItem({ body, deps }) {
    return deps.tx.create({ ...body, owner: deps.user.username });
  });

  router.put("/{item_id}", { path: itemId, body: ItemIn, deps: { user: writer, tx: transaction }, response: ItemOut }, function replaceItem({ path, body, deps }) {
    const item = deps.tx.get(path.item_id);
    if (!item) throw notFound(path.item_id);
    if (item.owner !== deps.user.username) throw new HTTPException(403, "Only the owner can change an item");
    const replaced = { ...item, ...body };
    deps.tx.replace(replaced);
    return replaced;
  });

  router.delete("/{item_id}", { path: itemId, status: 204, deps: { user: writer, tx: transaction } }, function deleteItem({ path, deps }) {
    const item = deps.tx.get(path.item_id);
    if (!item) throw notFound(path.item_id);
    if (item.owner !== deps.user.username) throw new HTTPException(403, "Only the owner can delete an item");
    deps.tx.delete(path.item_id);
    return null;
  });

  return router;
}
