// Type inference is checked by `tsc --noEmit` (part of `npm test`); the runtime test below only
// makes sure the file is also executed. A wrong property access must fail the typecheck.
import { it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { App } from "loopwise";

const app = new App({ logger: false });
const Item = z.object({ name: z.string(), price: z.number() });

app.post(
  "/items/{item_id}",
  { path: { item_id: z.number().int() }, query: { q: z.string().optional() }, body: Item, response: Item },
  ({ path, query, body }) => {
    const id: number = path.item_id;
    const q: string | undefined = query.q;
    const name: string = body.name;
    // @ts-expect-error item_id is a number, not a string
    const wrong: string = path.item_id;
    // @ts-expect-error no such body field
    void body.nope;
    // @ts-expect-error no such query parameter
    void query.missing;
    void [id, q, name, wrong];
    return { name, price: body.price };
  },
);

app.get("/files/{file_path:path}", ({ path }) => {
  const p: string = path.file_path;
  // @ts-expect-error only declared path params exist
  void path.other;
  return p;
});

// @ts-expect-error price must be a number for the response schema
app.get("/typed-response", { response: Item }, () => ({ name: "x", price: "1" }));

it("the typed routes register", () => {
  assert.equal(app.routes.length, 3);
});
