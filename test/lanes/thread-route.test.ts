import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { TestClient } from "loopwise/testing";
import { app, double, log, EVENTS_CHANNEL } from "./fixtures/basic-app.js";
import { listenToThreads } from "./events.js";

describe("thread lane: routes", () => {
  let client: TestClient;
  before(async () => {
    client = new TestClient(app);
    await app.startup();
  });
  after(async () => {
    await client.close();
    await app.shutdown();
  });

  it("runs a thread-lane handler on a pool thread and a loop-lane one on the main thread", async () => {
    const thread = (await client.get("/where")).json();
    const loop = (await client.get("/where-loop")).json();
    assert.equal(loop.threadId, 0);
    assert.notEqual(thread.threadId, 0);
  });

  it("passes validated path, query, header and body values; validates and filters the response there", async () => {
    const res = await client.post("/items/5", { query: { q: "x" }, headers: { "x-token": "secret" }, json: { name: "a", price: 2 } });
    assert.equal(res.status, 201);
    const body = res.json();
    assert.deepEqual({ ...body, threadId: undefined }, { item_id: 5, name: "a", q: "x", token: "secret", threadId: undefined });
    assert.notEqual(body.threadId, 0);
    assert.equal("secret" in body, false);
  });

  it("answers parameter and body errors together in one 422, as the loop lane does", async () => {
    const res = await client.post("/items/-1", { headers: { "x-token": "ab" }, json: { name: 1 } });
    assert.equal(res.status, 422);
    const locs = res.json().detail.map((d: { loc: unknown[] }) => d.loc.join("."));
    assert.deepEqual(locs, ["path.item_id", "header.x-token", "body.name", "body.price"]);
  });

  it("validates a body that crossed raw on the worker: 422 with pydantic's entries", async () => {
    const res = await client.post("/items/1", { headers: { "x-token": "abc" }, json: { name: "a", price: -3 } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.json().detail.map((d: { type: string; loc: unknown[] }) => [d.type, d.loc]), [["greater_than", ["body", "price"]]]);
  });

  it("rejects hostile bodies on the worker exactly like the loop lane: bad JSON, wrong type, wrong content type", async () => {
    const broken = await client.post("/items/1", { headers: { "x-token": "abc", "content-type": "application/json" }, body: '{"name": "a", ' });
    assert.equal(broken.status, 422);
    assert.equal(broken.json().detail[0].type, "json_invalid");
    const array = await client.post("/items/1", { headers: { "x-token": "abc" }, json: [1, 2] });
    assert.equal(array.status, 422);
    assert.equal(array.json().detail[0].type, "model_attributes_type");
    const text = await client.post("/items/1", { headers: { "x-token": "abc", "content-type": "text/plain" }, body: "name=a" });
    assert.equal(text.status, 422);
    const empty = await client.post("/items/1", { headers: { "x-token": "abc" } });
    assert.equal(empty.status, 422);
    assert.equal(empty.json().detail[0].type, "missing");
  });

  it("parses and validates form bodies on the worker", async () => {
    const ok = await client.post("/form", { form: { user: "ada", age: "36" } });
    assert.equal(ok.status, 200);
    assert.equal(ok.json().age, 36);
    const bad = await client.post("/form", { form: { user: "ada", age: "old" } });
    assert.equal(bad.status, 422);
    assert.equal(bad.json().detail[0].type, "int_parsing");
  });

  it("moves a large body to the worker and a large response back intact", async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    let sum = 0;
    for (const byte of bytes) sum = (sum + byte) % 65536;
    const res = await client.post("/echo-bytes", { body: bytes });
    assert.equal(res.status, 200);
    assert.equal(res.header("x-sum"), String(sum));
    assert.equal(Buffer.compare(res.body, Buffer.from(bytes)), 0);
    const json = await client.get("/big-json/20000");
    assert.equal(json.json().length, 20000);
    assert.deepEqual(json.json()[19999], { i: 19999, label: "item 19999" });
  });

  it("parses a multipart upload on the worker, with the same 422 for a missing file", async () => {
    const boundary = "----lw";
    const part = (name: string, value: string, filename?: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ""}\r\n` +
      (filename ? "Content-Type: text/plain\r\n" : "") +
      `\r\n${value}\r\n`;
    const headers = { "content-type": `multipart/form-data; boundary=${boundary}` };
    const ok = await client.post("/upload", { headers, body: part("title", "notes") + part("document", "hello thread", "a.txt") + `--${boundary}--\r\n` });
    assert.equal(ok.status, 200, ok.text);
    const uploaded = ok.json() as Record<string, unknown>;
    assert.deepEqual({ ...uploaded, threadId: 1 }, { title: "notes", filename: "a.txt", size: 12, text: "hello thread", threadId: 1 });
    assert.notEqual(ok.json().threadId, 0);
    const missing = await client.post("/upload", { headers, body: part("title", "notes") + `--${boundary}--\r\n` });
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.json().detail.map((d: { loc: unknown[] }) => d.loc), [["body", "document"]]);
  });

  it("sends a FileResponse from the worker, honouring Range and If-None-Match", async () => {
    const whole = await client.get("/this-file");
    assert.equal(whole.status, 200);
    assert.match(whole.text, /A file sent from a pool thread/);
    const part = await client.get("/this-file", { headers: { range: "bytes=0-9" } });
    assert.equal(part.status, 206);
    assert.equal(part.text, whole.text.slice(0, 10));
    const again = await client.get("/this-file", { headers: { "if-none-match": String(whole.header("etag")) } });
    assert.equal(again.status, 304);
  });

  it("gives the handler the request: method, url, query, headers, cookies, client", async () => {
    const res = await client.get("/request-info?a=1&a=2&b=", { cookies: { session: "s1" } });
    assert.deepEqual(res.json(), {
      method: "GET",
      url: "/request-info?a=1&a=2&b=",
      path: "/request-info",
      query: { a: ["1", "2"], b: "" },
      agent: "loopwise-testclient",
      cookies: { session: "s1" },
      client: "testclient",
    });
  });

  it("sends HTTPException from a worker as the same response, headers included", async () => {
    const res = await client.get("/missing/7");
    assert.equal(res.status, 404);
    assert.deepEqual(res.json(), { detail: "Item 7 not found" });
    assert.equal(res.header("x-error"), "yes");
  });

  it("answers other errors with a bare 500 and logs them with the worker's stack", async () => {
    const res = await client.get("/type-error");
    assert.equal(res.status, 500);
    assert.deepEqual(res.json(), { detail: "Internal Server Error" });
    const entry = log.lines().find((line) => String((line["err"] as { message?: string } | undefined)?.message).includes("bad thing on a thread"));
    assert.ok(entry, "the error is logged");
    assert.match(String((entry["err"] as { stack: string }).stack), /basic-app\.ts/);
  });

  it("answers a return value that cannot be serialized with a 500 whose log names the route", async () => {
    for (const path of ["/bigint", "/circular"]) {
      const res = await client.get(path);
      assert.equal(res.status, 500);
      assert.deepEqual(res.json(), { detail: "Internal Server Error" });
      const entry = log.lines().find((line) => String((line["err"] as { message?: string } | undefined)?.message).startsWith(`GET ${path} returned a value that cannot be serialized`));
      assert.ok(entry, `the log names GET ${path}: ${JSON.stringify(log.lines().slice(-2))}`);
    }
  });

  it("answers a response that fails its schema with a 500, as on the loop lane", async () => {
    const res = await client.get("/wrong-response");
    assert.equal(res.status, 500);
    assert.ok(log.lines().some((line) => (line["err"] as { type?: string } | undefined)?.type === "ResponseValidationError"));
  });

  it("keeps status, headers and cookies a handler set on res", async () => {
    const res = await client.get("/settings");
    assert.equal(res.status, 202);
    assert.notEqual(res.header("x-thread"), "0");
    assert.match(String(res.header("set-cookie")), /^flavour=oat;/);
    assert.equal(client.cookies.get("flavour"), "oat");
  });

  it("sends a Response's bytes as they are", async () => {
    const res = await client.get("/raw");
    assert.equal(res.header("content-type"), "application/octet-stream");
    assert.deepEqual([...res.body], [1, 2, 3]);
  });

  it("streams a sync generator from the worker as JSON Lines", async () => {
    const res = await client.get("/count/5", { query: { size: 1 } });
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "application/jsonl");
    assert.deepEqual(res.text.trim().split("\n").map((line) => JSON.parse(line).i), [0, 1, 2, 3, 4]);
  });

  it("serves HEAD for a streamed thread-lane GET without a body", async () => {
    const res = await client.head("/count/3");
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
  });

  it("runs background jobs after the response: plain functions on the worker, tasks on the pool, failures logged", async () => {
    const events = listenToThreads(EVENTS_CHANNEL);
    try {
      const res = await client.get("/background");
      assert.deepEqual(res.json(), { queued: 3 });
      await events.until((e) => e["event"] === "background-task");
      assert.ok(events.events.some((e) => e["event"] === "background-fn" && e["label"] === "plain" && e["threadId"] !== 0));
      for (let i = 0; i < 50 && !log.lines().some((l) => String(l["msg"]).startsWith("A background job of GET /background failed")); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const failure = log.lines().find((l) => String(l["msg"]).startsWith("A background job of GET /background failed"));
      assert.ok(failure, "the failed job is logged");
      assert.match(String((failure["err"] as { message: string }).message), /background job broke/);
      await client.get("/loop-background");
      await events.until((e) => e["event"] === "background-task" && e["label"] === "from-loop");
      const fromLoop = events.events.find((e) => e["label"] === "from-loop")!;
      assert.notEqual(fromLoop["threadId"], 0, "a task given to req.background runs on a pool thread");
    } finally {
      events.close();
    }
  });

  it("runs tasks from the loop lane on a pool thread, and inline on a pool thread already", async () => {
    const fromLoop = (await client.get("/loop-calls-task")).json();
    assert.equal(fromLoop.n, 42);
    assert.notEqual(fromLoop.threadId, 0);
    const fromThread = (await client.get("/thread-calls-task")).json();
    assert.equal(fromThread.inner.n, 8);
    assert.equal(fromThread.inner.threadId, fromThread.outer, "no second hop from a pool thread");
    assert.deepEqual(await double.run(1), { n: 2, threadId: (await double.run(1)).threadId });
  });

  it("makes app.serve() / app.listen() a no-op inside a pool worker", async () => {
    const res = await client.get("/serve-in-worker");
    assert.deepEqual(res.json(), { url: "", port: 0 });
  });

  it("runs a thread-lane dependency function on a pool thread, keeping what it sets on res", async () => {
    const res = await client.get("/who", { headers: { "x-user": "ada" } });
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.mainThread, 0);
    assert.deepEqual({ ...body.value, threadId: 0 }, { user: "ada", method: "GET", path: "/who", from: "loop", threadId: 0 });
    assert.notEqual(body.value.threadId, 0);
    assert.equal(res.header("x-checked-on"), String(body.value.threadId));
    assert.equal(client.cookies.get("seen"), "yes");
    const refused = await client.get("/who", { headers: { "x-user": "nobody" } });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.json(), { detail: "Who are you?" });
  });

  it("hands dependency values resolved on the main thread to the worker, as plain data", async () => {
    const res = await client.get("/dep-values", { headers: { "x-user": "grace" } });
    assert.equal(res.status, 200);
    const body = res.json() as Record<string, unknown>;
    assert.deepEqual({ ...body, threadId: 1 }, { name: "grace", since: "1970-01-01T00:00:00.000Z", threadId: 1 });
    assert.notEqual(res.json().threadId, 0);
    const refused = await client.get("/dep-callback");
    assert.equal(refused.status, 500);
    assert.ok(log.lines().some((line) => /^GET \/dep-callback: its input cannot be sent to a worker thread/.test(String((line["err"] as { message?: string } | undefined)?.message))));
  });

  it("refuses a thread-lane dependency with teardown, saying why", async () => {
    const res = await client.get("/teardown-on-thread");
    assert.equal(res.status, 500);
    assert.ok(log.lines().some((line) => /dependency withTeardown is on the thread lane and yields/.test(String((line["err"] as { message?: string } | undefined)?.message))));
  });

  it("reports the pool's size, threads, queue and timings", () => {
    const stats = app.pool.stats();
    assert.equal(stats.size, 2);
    assert.ok(stats.threads >= 1 && stats.threads <= 2);
    assert.equal(stats.queued, 0);
    assert.ok(stats.completed > 10);
    assert.ok(stats.runTime.p50 > 0 && stats.runTime.p99 >= stats.runTime.p50);
    assert.ok(stats.waitTime.p99 >= stats.waitTime.p50);
  });
});

describe("thread lane: a dependency declared with depends(fn, { lane: \"thread\" })", () => {
  it("runs on a pool thread while the handler stays on the loop", async () => {
    await app.startup();
    const client = new TestClient(app);
    try {
      const res = await client.get("/dep-on-thread", { query: { n: 21 } });
      assert.equal(res.status, 200, res.text);
      const body = res.json();
      assert.equal(body.handlerThreadId, 0);
      assert.notEqual(body.dependency.threadId, 0);
      assert.equal(body.dependency.doubled, 42);
    } finally {
      await client.close();
      await app.shutdown();
    }
  });
});
