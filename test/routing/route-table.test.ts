import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parsePathTemplate } from "../../src/routing/path-template.js";
import { RouteTable } from "../../src/routing/route-table.js";

function table(...routes: [string, string][]) {
  const t = new RouteTable<string>();
  for (const [method, path] of routes) t.add(method, parsePathTemplate(path), `${method} ${path}`);
  return t;
}

describe("RouteTable", () => {
  it("finds static and parameter routes with decoded params", () => {
    const t = table(["GET", "/items/{item_id}"]);
    const found = t.lookup("GET", "/items/a%20b") as any;
    assert.equal(found.route, "GET /items/{item_id}");
    assert.deepEqual({ ...found.params }, { item_id: "a b" });
  });

  it("matches overlapping routes in declaration order (static first when declared first)", () => {
    const t = table(["GET", "/users/me"], ["GET", "/users/{user_id}"]);
    assert.equal((t.lookup("GET", "/users/me") as any).route, "GET /users/me");
    assert.equal((t.lookup("GET", "/users/7") as any).route, "GET /users/{user_id}");
  });

  it("matches overlapping routes in declaration order (param first shadows a later static)", () => {
    const t = table(["GET", "/users/{user_id}"], ["GET", "/users/me"]);
    const found = t.lookup("GET", "/users/me") as any;
    assert.equal(found.route, "GET /users/{user_id}");
    assert.deepEqual({ ...found.params }, { user_id: "me" });
  });

  it("a catch-all declared first wins over a later param route", () => {
    const t = table(["GET", "/files/{p:path}"], ["GET", "/files/{name}"]);
    assert.equal((t.lookup("GET", "/files/x") as any).route, "GET /files/{p:path}");
  });

  it("reports the catch-all under its own name", () => {
    const t = table(["GET", "/files/{file_path:path}"]);
    assert.deepEqual({ ...(t.lookup("GET", "/files/a/b/c.txt") as any).params }, { file_path: "a/b/c.txt" });
  });

  it("gives 405 with the allowed methods", () => {
    const t = table(["GET", "/x"], ["POST", "/x"]);
    assert.deepEqual(t.lookup("DELETE", "/x"), { kind: "method-not-allowed", allow: ["GET", "POST"] });
  });

  it("redirects between /x and /x/ when only the other exists", () => {
    const t = table(["GET", "/x"], ["GET", "/y/"]);
    assert.deepEqual(t.lookup("GET", "/x/"), { kind: "redirect", path: "/x" });
    assert.deepEqual(t.lookup("GET", "/y"), { kind: "redirect", path: "/y/" });
  });

  it("does not match an empty parameter segment", () => {
    const t = table(["GET", "/users/{id}"]);
    assert.equal(t.lookup("GET", "/users/").kind, "not-found");
  });

  it("rejects a duplicate route at registration", () => {
    assert.throws(() => table(["GET", "/a/{x}"], ["GET", "/a/{y}"]), /already declared/);
  });

  for (const hostile of ["/items/%E0%A4%A", "/items/%", "/items/%00", "/" + "a/".repeat(5000), "/items/" + "x".repeat(10000), "//", "/items/../etc"]) {
    it(`survives the hostile path ${JSON.stringify(hostile.slice(0, 30))}`, () => {
      const t = table(["GET", "/items/{id}"]);
      const result = t.lookup("GET", hostile);
      assert.ok(["found", "not-found", "redirect", "method-not-allowed"].includes(result.kind));
    });
  }
});
