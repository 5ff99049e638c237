import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isJsonContentType, parseJsonBody } from "../../src/params/json-body.js";
import { HTTPException } from "../../src/errors/http-exception.js";
import { RequestValidationError } from "../../src/errors/validation-error.js";

describe("isJsonContentType", () => {
  const yes = ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/merge-patch+json", "application/vnd.api+json"];
  const no = ["text/plain", "application/jsonx", "application/x-www-form-urlencoded", "multipart/form-data", "json", "", "text/json+xml"];
  for (const t of yes) it(`accepts ${t}`, () => assert.ok(isJsonContentType(t)));
  for (const t of no) it(`rejects ${JSON.stringify(t)}`, () => assert.ok(!isJsonContentType(t)));
});

describe("parseJsonBody", () => {
  it("parses JSON", () => assert.deepEqual(parseJsonBody(Buffer.from('{"a":[1,2]}')), { a: [1, 2] }));

  it("reports broken JSON as json_invalid at the character position", () => {
    try {
      parseJsonBody(Buffer.from('{"name": "x",}'));
      assert.fail("should throw");
    } catch (error) {
      assert.ok(error instanceof RequestValidationError);
      assert.deepEqual(error.issues, [
        { type: "json_invalid", loc: ["body", 13], msg: "JSON decode error", input: {}, ctx: { error: "Expecting property name enclosed in double quotes" } },
      ]);
    }
  });

  for (const poisoned of ['{"__proto__": {"admin": true}}', '{"a": {"__proto__": {"x": 1}}}', '{"constructor": {"prototype": {"x": 1}}}', '[{"b": [{"__proto__": null}]}]']) {
    it(`rejects prototype poisoning ${poisoned}`, () => {
      assert.throws(() => parseJsonBody(Buffer.from(poisoned)), (e: unknown) => e instanceof HTTPException && e.status === 400);
      assert.equal(({} as Record<string, unknown>)["admin"], undefined);
    });
  }

  it("accepts harmless keys that merely mention the words", () => {
    assert.deepEqual(parseJsonBody(Buffer.from('{"constructor": "x", "note": "__proto__"}')), { constructor: "x", note: "__proto__" });
  });

  for (const bytes of [[0xff], [0xc3, 0x28], [0x22, 0xed, 0xa0, 0x80, 0x22], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
    it(`rejects invalid UTF-8 ${JSON.stringify(bytes)} with 400`, () => {
      assert.throws(() => parseJsonBody(Buffer.from(bytes)), (e: unknown) => e instanceof HTTPException && e.status === 400);
    });
  }
});
