import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseCookieHeader, serializeCookie } from "../../src/responses/cookies.js";

describe("cookies", () => {
  it("serializes with safe defaults", () => {
    assert.equal(serializeCookie("session", "a b;c", { httpOnly: true, maxAge: 60 }), "session=a%20b%3Bc; Max-Age=60; Path=/; HttpOnly; SameSite=Lax");
  });
  it("refuses names that could inject attributes", () => {
    for (const name of ["a;b", "a b", "", "a=b", "a\r\nSet-Cookie: x"]) assert.throws(() => serializeCookie(name, "v"));
  });
  it("refuses a domain with separators", () => assert.throws(() => serializeCookie("a", "b", { domain: "x.com; Secure" })));
  it("parses a Cookie header, skipping junk and keeping the first duplicate", () => {
    assert.deepEqual({ ...parseCookieHeader('a=1; b="two"; junk; =x; c=%E0%A4%A; a=9; d=%20x') }, { a: "1", b: "two", c: "%E0%A4%A", d: " x" });
  });
  it("returns a null-prototype map so __proto__ is just a name", () => {
    const parsed = parseCookieHeader("__proto__=x; constructor=y");
    assert.equal(parsed["__proto__"], "x");
    assert.equal(Object.getPrototypeOf(parsed), null);
  });
});
