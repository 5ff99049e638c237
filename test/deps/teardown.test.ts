import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { App, depends, HTTPException, JSONResponse, RequestValidationError } from "loopwise";
import { TestClient } from "loopwise/testing";

function newApp() {
  return new App({ logger: false });
}

/** A generator dependency that records its life in `log`. */
function resource(name: string, log: string[]) {
  return depends(async function* named() {
    log.push(`open ${name}`);
    try {
      yield name;
      log.push(`commit ${name}`);
    } catch (error) {
      log.push(`rollback ${name}: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    } finally {
      log.push(`close ${name}`);
    }
  });
}

describe("generator dependencies: teardown", () => {
  it("runs the code after yield once the response is sent, after the handler's background jobs", async () => {
    const app = newApp();
    let releaseTeardown!: () => void;
    const teardownMayFinish = new Promise<void>((resolve) => (releaseTeardown = resolve));
    const log: string[] = [];
    const session = depends(async function* getSession() {
      log.push("setup");
      yield "session";
      await teardownMayFinish;
      log.push("teardown");
    });
    app.get("/", { deps: { session } }, ({ deps, req }) => {
      req.background(() => void log.push("background job"));
      return { session: deps.session };
    });
    const server = await app.serve({ port: 0, handleSignals: false });
    try {
      const res = await fetch(`${server.url}/`);
      assert.deepEqual(await res.json(), { session: "session" });
      // The client has the whole response while the teardown is still waiting.
      assert.deepEqual(log, ["setup", "background job"]);
      releaseTeardown();
      await waitFor(() => log.includes("teardown"));
      assert.deepEqual(log, ["setup", "background job", "teardown"]);
    } finally {
      releaseTeardown();
      await server.close();
    }
  });

  it("tears down in the reverse order of setup", async () => {
    const app = newApp();
    const log: string[] = [];
    const a = resource("a", log);
    const b = depends({ deps: { a } }, async function* useA({ deps }) {
      log.push(`open b(${deps.a})`);
      yield "b";
      log.push("close b");
    });
    const c = resource("c", log);
    app.get("/", { deps: { b, c } }, () => "ok");
    await new TestClient(app).get("/");
    assert.deepEqual(log, ["open a", "open b(a)", "open c", "commit c", "close c", "close b", "commit a", "close a"]);
  });

  it("sync generator functions work the same way", async () => {
    const app = newApp();
    const log: string[] = [];
    const sync = depends(function* syncResource() {
      log.push("open");
      try {
        yield 42;
      } finally {
        log.push("close");
      }
    });
    app.get("/", { deps: { sync } }, ({ deps }) => ({ value: deps.sync }));
    assert.deepEqual((await new TestClient(app).get("/")).json(), { value: 42 });
    assert.deepEqual(log, ["open", "close"]);
  });

  it("when the handler throws, each dependency sees the error at its yield before the error response", async () => {
    const app = newApp();
    const log: string[] = [];
    app.get("/", { deps: { a: resource("a", log), b: resource("b", log) } }, () => {
      throw new HTTPException(404, "Item not found");
    });
    const res = await new TestClient(app).get("/");
    assert.equal(res.status, 404);
    assert.deepEqual(res.json(), { detail: "Item not found" });
    assert.deepEqual(log, ["open a", "open b", "rollback b: Item not found", "close b", "rollback a: Item not found", "close a"]);
  });

  it("a dependency may turn the handler's error into an HTTPException (FastAPI's OwnerError example)", async () => {
    class OwnerError extends Error {}
    const app = newApp();
    const username = depends(function* getUsername() {
      try {
        yield "Rick";
      } catch (error) {
        if (error instanceof OwnerError) throw new HTTPException(400, `Owner error: ${error.message}`);
        throw error;
      }
    });
    app.get("/items/{item_id}", { deps: { user: username } }, ({ path, deps }) => {
      if (path.item_id === "plumbus") throw new OwnerError(`Only ${deps.user} can see the plumbus`);
      return { item: path.item_id };
    });
    const client = new TestClient(app);
    const res = await client.get("/items/plumbus");
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), { detail: "Owner error: Only Rick can see the plumbus" });
    assert.equal((await client.get("/items/portal-gun")).status, 200);
  });

  it("an error replaced by a later teardown is what earlier teardowns see", async () => {
    const app = newApp();
    const seen: string[] = [];
    const outer = depends(async function* outerDep() {
      try {
        yield 1;
      } catch (error) {
        seen.push(`outer saw ${(error as HTTPException).status}`);
        throw error;
      }
    });
    const inner = depends(async function* innerDep() {
      try {
        yield 2;
      } catch {
        throw new HTTPException(409, "Conflict from inner");
      }
    });
    app.get("/", { deps: { outer, inner } }, () => {
      throw new HTTPException(404);
    });
    const res = await new TestClient(app).get("/");
    assert.equal(res.status, 409);
    assert.deepEqual(seen, ["outer saw 409"]);
  });

  it("a teardown that catches the error without raising cannot turn the failure into a success", async () => {
    const app = newApp();
    const swallowing = depends(async function* swallow() {
      try {
        yield 1;
      } catch {
        // no re-raise: there is still no response to send
      }
    });
    app.get("/", { deps: { swallowing } }, () => {
      throw new HTTPException(418, "teapot");
    });
    const res = await new TestClient(app).get("/");
    assert.equal(res.status, 418);
  });

  it("validation errors reach the teardowns too, and still answer 422", async () => {
    const app = newApp();
    const log: string[] = [];
    app.get("/", { deps: { a: resource("a", log) }, query: { n: z.number() } }, () => "unreachable");
    const res = await new TestClient(app).get("/?n=x");
    assert.equal(res.status, 422);
    assert.deepEqual(log, ["open a", "rollback a: 1 validation error", "close a"]);
  });

  it("a dependency failing during setup tears down those set up before it", async () => {
    const app = newApp();
    const log: string[] = [];
    const failing = depends(() => {
      throw new HTTPException(401, "Not authenticated");
    });
    app.get("/", { deps: { a: resource("a", log), failing } }, () => "unreachable");
    const res = await new TestClient(app).get("/");
    assert.equal(res.status, 401);
    assert.deepEqual(log, ["open a", "rollback a: Not authenticated", "close a"]);
  });

  it("an unexpected error still answers 500 after the teardowns ran", async () => {
    const app = newApp();
    const log: string[] = [];
    app.get("/", { deps: { a: resource("a", log) } }, () => {
      throw new TypeError("bug");
    });
    const res = await new TestClient(app).get("/");
    assert.equal(res.status, 500);
    assert.deepEqual(log, ["open a", "rollback a: bug", "close a"]);
  });

  it("a generator that never yields is a server error; one that yields twice is stopped", async () => {
    const app = newApp();
    const noYield = depends(async function* noValue() {});
    let stoppedAfterSecondYield = false;
    const twice = depends(function* yieldsTwice() {
      try {
        yield 1;
        yield 2;
      } finally {
        stoppedAfterSecondYield = true;
      }
    });
    app.get("/none", { deps: { noYield } }, () => "unreachable");
    app.get("/twice", { deps: { twice } }, () => "sent anyway");
    const client = new TestClient(app);
    assert.equal((await client.get("/none")).status, 500);
    assert.equal((await client.get("/twice")).status, 200);
    assert.equal(stoppedAfterSecondYield, true);
  });

  it("a Response returned by the handler, and a streamed one, are sent before the teardown", async () => {
    const app = newApp();
    const log: string[] = [];
    const res1 = resource("r", log);
    app.get("/response", { deps: { r: res1 } }, () => {
      log.push("handler");
      return new JSONResponse({ ok: true }, { status: 201 });
    });
    app.get("/stream", { deps: { r: res1 } }, ({ deps }) =>
      (async function* stream() {
        log.push(`streaming with ${deps.r}`);
        yield { n: 1 };
      })(),
    );
    const client = new TestClient(app);
    assert.equal((await client.get("/response")).status, 201);
    assert.deepEqual(log.splice(0), ["open r", "handler", "commit r", "close r"]);
    assert.equal((await client.get("/stream")).text, '{"n":1}\n');
    assert.deepEqual(log.splice(0), ["open r", "streaming with r", "commit r", "close r"]);
  });

  it("a teardown failing after the response was sent is logged, and the client already has its answer", async () => {
    const logged: unknown[] = [];
    const app = new App({ logger: { level: "error", hooks: { logMethod: (args: unknown[]) => void logged.push(args) } } as never });
    const broken = depends(async function* brokenTeardown() {
      yield 1;
      throw new Error("close failed");
    });
    app.get("/", { deps: { broken } }, () => "ok");
    const res = await new TestClient(app).get("/");
    assert.equal(res.status, 200);
    const errors = logged.map((args) => (args as [{ err?: Error }])[0]?.err?.message);
    assert.ok(errors.includes("close failed"), JSON.stringify(logged));
  });

  it("teardown: before-response runs before the response is sent, and its failure answers the request", async () => {
    const app = newApp();
    const log: string[] = [];
    const late = resource("late", log);
    let failCommit = false;
    const early = depends({ teardown: "before-response" }, function* transaction() {
      log.push("begin");
      try {
        yield "tx";
        if (failCommit) throw new HTTPException(409, "Commit failed");
        log.push("commit");
      } catch (error) {
        log.push("rollback");
        throw error;
      }
    });
    app.post("/", { deps: { late, early } }, ({ req }) => {
      req.background(() => void log.push("background"));
      return { ok: true };
    });
    const client = new TestClient(app);
    assert.equal((await client.post("/")).status, 200);
    assert.deepEqual(log.splice(0), ["open late", "begin", "commit", "background", "commit late", "close late"]);
    failCommit = true;
    const res = await client.post("/");
    assert.equal(res.status, 409);
    assert.deepEqual(res.json(), { detail: "Commit failed" });
    // (Whether the handler's background job still runs after a failure is the server's business.)
    assert.deepEqual(log.splice(0).filter((entry) => entry !== "background"), ["open late", "begin", "rollback", "rollback late: Commit failed", "close late"]);
  });

  it("RequestValidationError is the class teardowns see for parameter errors", async () => {
    const app = newApp();
    let seen: unknown;
    const watcher = depends(async function* watch() {
      try {
        yield 1;
      } catch (error) {
        seen = error;
        throw error;
      }
    });
    app.get("/", { deps: { watcher }, query: { q: z.string() } }, () => "unreachable");
    await new TestClient(app).get("/");
    assert.ok(seen instanceof RequestValidationError);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), "condition not reached");
}
