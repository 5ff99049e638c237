import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parsePathTemplate, templatesOverlap } from "../../src/routing/path-template.js";

describe("parsePathTemplate", () => {
  it("converts FastAPI syntax to find-my-way syntax", () => {
    const t = parsePathTemplate("/items/{item_id}/tags/{tag}");
    assert.equal(t.routerPath, "/items/:item_id/tags/:tag");
    assert.deepEqual(t.paramNames, ["item_id", "tag"]);
  });

  it("maps the {name:path} catch-all to a wildcard", () => {
    const t = parsePathTemplate("/files/{file_path:path}");
    assert.equal(t.routerPath, "/files/*");
    assert.equal(t.restName, "file_path");
    assert.deepEqual(t.matcher.exec("/files/a/b.txt")?.slice(1), ["a/b.txt"]);
  });

  it("escapes literal colons for the router", () => {
    assert.equal(parsePathTemplate("/v1:batch").routerPath, "/v1::batch");
  });

  for (const bad of ["items", "/items/{id", "/items/{}", "/a/{x}-{y}", "/{p:path}/more", "/{a}/{a}", "/x/{1abc}"]) {
    it(`rejects the malformed template ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parsePathTemplate(bad));
    });
  }

  it("a {param} never matches an empty segment", () => {
    assert.equal(parsePathTemplate("/users/{id}").matcher.test("/users/"), false);
  });
});

describe("templatesOverlap", () => {
  const t = parsePathTemplate;
  it("static and param in the same position overlap", () => assert.ok(templatesOverlap(t("/users/me"), t("/users/{id}"))));
  it("different statics do not", () => assert.ok(!templatesOverlap(t("/users/me"), t("/items/{id}"))));
  it("different lengths do not", () => assert.ok(!templatesOverlap(t("/users/{id}"), t("/users/{id}/x"))));
  it("a catch-all overlaps longer paths", () => assert.ok(templatesOverlap(t("/f/{p:path}"), t("/f/a/b"))));
});
