import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { App } from "loopwise";
import { TestClient } from "loopwise/testing";

describe("lifespan", () => {
  it("await using runs the lifespan around the client's requests", async () => {
    const events: string[] = [];
    const app = new App({
      logger: false,
      async *lifespan() {
        events.push("setup");
        yield { db: "connected" };
        events.push("teardown");
      },
    });
    app.onStartup(() => events.push("startup hook"));
    app.onShutdown(() => events.push("shutdown hook"));
    app.get("/", ({ req }) => ({ db: app.state["db"], method: req.method }));
    {
      await using client = new TestClient(app);
      assert.deepEqual((await client.get("/")).json(), { db: "connected", method: "GET" });
      events.push("requests done");
    }
    assert.deepEqual(events, ["setup", "startup hook", "requests done", "shutdown hook", "teardown"]);
  });

  it("startup runs once even with many clients, and a failing shutdown hook is reported", async () => {
    let starts = 0;
    const app = new App({ logger: false });
    app.onStartup(() => starts++);
    app.onShutdown(() => {
      throw new Error("cannot close");
    });
    app.get("/", () => 1);
    const a = new TestClient(app);
    const b = new TestClient(app);
    await Promise.all([a.get("/"), b.get("/")]);
    assert.equal(starts, 1);
    await assert.rejects(a.close(), /cannot close/);
  });
});
