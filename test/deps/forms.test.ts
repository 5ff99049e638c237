import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { App, depends } from "loopwise";
import { TestClient } from "loopwise/testing";

const FORM = { "content-type": "application/x-www-form-urlencoded" };

function formApp() {
  const app = new App({ logger: false, bodyLimit: 1024 * 1024 });
  app.post("/login", { form: { username: z.string(), password: z.string(), remember: z.boolean().default(false) } }, ({ form }) => form);
  const csrf = depends({ form: { csrf: z.string().length(4) } }, ({ form }) => form.csrf);
  app.post("/guarded", { form: { text: z.string() }, deps: { csrf } }, ({ form, deps }) => ({ text: form.text, csrf: deps.csrf }));
  return app;
}

describe("form fields: FastAPI's rules", () => {
  const client = new TestClient(formApp());

  it("coerces and validates urlencoded fields; + is a space", async () => {
    const res = await client.post("/login", { body: "username=john+doe&password=p%26w&remember=yes", headers: FORM });
    assert.deepEqual(res.json(), { username: "john doe", password: "p&w", remember: true });
  });

  it("a missing field's error has input null, and an empty field counts as missing", async () => {
    const res = await client.post("/login", { body: "username=&remember=maybe", headers: FORM });
    assert.equal(res.status, 422);
    assert.deepEqual(
      res.json().detail.map((issue: { type: string; input: unknown }) => [issue.type, issue.input]),
      [
        ["missing", null],
        ["missing", null],
        ["bool_parsing", "maybe"],
      ],
    );
  });

  it("errors are located under body, as FastAPI reports form fields", async () => {
    const res = await client.post("/login", { body: "username=u", headers: FORM });
    assert.deepEqual(res.json().detail[0].loc, ["body", "password"]);
  });

  it("a charset parameter in the content type is accepted", async () => {
    const res = await client.post("/login", { body: "username=u&password=p", headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" } });
    assert.equal(res.status, 200);
  });

  it("another content type gives no fields: every required one is missing", async () => {
    const res = await client.post("/login", { body: "username=u&password=p", headers: { "content-type": "text/plain" } });
    assert.equal(res.status, 422);
    assert.equal(res.json().detail.length, 2);
  });

  it("a repeated field for a single value takes the last one", async () => {
    const res = await client.post("/login", { body: "username=a&username=b&password=p", headers: FORM });
    assert.equal(res.json().username, "b");
  });

  it("a dependency's form fields and the route's come from the same body", async () => {
    assert.deepEqual((await client.post("/guarded", { form: { text: "hi", csrf: "abcd" } })).json(), { text: "hi", csrf: "abcd" });
    const res = await client.post("/guarded", { form: { text: "hi", csrf: "x" } });
    assert.equal(res.status, 422);
    assert.equal(res.json().detail[0].type, "string_too_short");
  });
});

describe("form fields: hostile input", () => {
  const client = new TestClient(formApp());

  it("100 000 fields are cut at 1000 keys: a required field after them is missing, nothing crashes", async () => {
    const junk = Array.from({ length: 100_000 }, (_, i) => `f${i}=1`).join("&");
    const res = await client.post("/login", { body: `${junk}&username=u&password=p`, headers: FORM });
    assert.equal(res.status, 422);
    assert.deepEqual(
      res.json().detail.map((issue: { loc: unknown[] }) => issue.loc.at(-1)),
      ["username", "password"],
    );
  });

  it("one field repeated 50 000 times is cut at 1000 values too", async () => {
    const res = await client.post("/login", { body: `${"username=u&".repeat(50_000)}password=p`, headers: FORM });
    assert.equal(res.status, 422);
    assert.deepEqual(res.json().detail[0].loc.at(-1), "password");
  });

  it("broken percent-escapes are kept as text, never thrown", async () => {
    const res = await client.post("/login", { body: "username=%zz%&password=%E0%A4%A", headers: FORM });
    assert.equal(res.status, 200);
    assert.equal(res.json().username, "%zz%");
  });

  it("percent-escaped bytes that are not UTF-8 become U+FFFD, as Python's unquote does", async () => {
    const res = await client.post("/login", { body: "username=%FF%FE&password=p", headers: FORM });
    assert.equal(res.json().username, "\uFFFD\uFFFD");
  });

  it("raw bytes that are not UTF-8 answer 400", async () => {
    const body = Buffer.concat([Buffer.from("username="), Buffer.from([0xc3, 0x28]), Buffer.from("&password=p")]);
    const res = await client.post("/login", { body, headers: FORM });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), { detail: "Request body is not valid UTF-8" });
  });

  it("__proto__ and constructor fields pollute nothing", async () => {
    const res = await client.post("/login", { body: "__proto__=x&constructor=y&username=u&password=p&__proto__%5Badmin%5D=1", headers: FORM });
    assert.deepEqual(res.json(), { username: "u", password: "p", remember: false });
    assert.equal(({} as Record<string, unknown>)["admin"], undefined);
  });

  it("a body over the limit is 413, read no further", async () => {
    const app = new App({ logger: false, bodyLimit: 1024 });
    app.post("/login", { form: { username: z.string() } }, ({ form }) => form);
    const res = await new TestClient(app).post("/login", { body: `username=${"u".repeat(4096)}`, headers: FORM });
    assert.equal(res.status, 413);
  });
});
