const NON_WORD = /[^\p{L}\p{N}_]/gu;

/**
 * The name FastAPI would give a route: its handler function's name; for an anonymous handler,
 * one made of the method and the path (`GET /items/{item_id}` → `get_items_item_id`).
 *
 * @example
 * routeName(async function readItem() {}, "GET", "/items/{item_id}") // "readItem"
 * routeName(() => 1, "GET", "/items/{item_id}")                     // "get_items_item_id"
 */
export function routeName(handler: Function, method: string, path: string): string {
  const name = handler.name.replace(/^bound /, "");
  if (name !== "" && name !== "anonymous") return name;
  const words = path
    .split("/")
    .map((segment) => segment.replace(/^\{([^}:]+)(?::[^}]*)?\}$/, "$1"))
    .filter((segment) => segment !== "")
    .join("_")
    .replace(NON_WORD, "_");
  return `${method.toLowerCase()}_${words || "root"}`;
}

/**
 * FastAPI's default operationId (`generate_unique_id`): the route name followed by the path,
 * every non-word character replaced by `_`, then the method.
 *
 * @example
 * uniqueOperationId("read_item", "/items/{item_id}", "GET") // "read_item_items__item_id__get"
 */
export function uniqueOperationId(name: string, path: string, method: string): string {
  return `${name}${path}`.replace(NON_WORD, "_") + `_${method.toLowerCase()}`;
}

/**
 * FastAPI's default summary: the route name in title case, words split at `_` (and, for
 * TypeScript's camelCase, at case changes).
 *
 * @example
 * summaryOf("read_item") // "Read Item"
 * summaryOf("readItem")  // "Read Item"
 */
export function summaryOf(name: string): string {
  return name
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2")
    .split(/[_\s]+/)
    .filter((word) => word !== "")
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(" ");
}
