// Redis Sentinel through ioredis: the app names the sentinels instead of a Redis URL, and the
// queue lane follows a failover (the primary killed, its replica promoted).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { App, closeQueueConnections, configureQueue, publish } from "loopwise";
import { startSentinelGroup, type SentinelGroup } from "./sentinel-group.js";

delete process.env["REDIS_URL"];
let group: SentinelGroup;
let app: App;

before(async () => {
  group = await startSentinelGroup();
  configureQueue({ redisOptions: { sentinels: [{ host: "127.0.0.1", port: group.sentinelPort }], name: group.name } });
  app = new App({ logger: false });
  app.consume("via-sentinel", async function whereAmI(message: { n: number }) {
    return { n: message.n, pid: process.pid };
  });
  await app.startup();
});

after(async () => {
  await app?.shutdown();
  await closeQueueConnections();
  await group?.close();
});

test("publish, consume and result go through the sentinel's primary, with no Redis URL", async () => {
  const handle = await publish("via-sentinel", { n: 1 });
  assert.deepEqual(await handle.result({ timeout: 20_000 }), { n: 1, pid: process.pid });
  assert.equal(await group.currentPrimaryPort(), group.primaryPort);
});

test("after a failover, enqueue and consumers follow the promoted replica; replicated jobs are still there", async () => {
  const earlier = await publish("via-sentinel", { n: 2 });
  await earlier.result({ timeout: 20_000 });
  await group.syncReplica();
  await group.killPrimary();
  const deadline = Date.now() + 30_000;
  while ((await group.currentPrimaryPort()) !== group.replicaPort) {
    assert.ok(Date.now() < deadline, "the sentinel did not promote the replica within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const later = await publish("via-sentinel", { n: 3 });
  assert.deepEqual(await later.result({ timeout: 30_000 }), { n: 3, pid: process.pid });
  assert.equal(await earlier.state(), "completed");
});
