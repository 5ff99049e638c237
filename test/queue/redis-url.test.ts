// Redis settings: the URL, ioredis options (Sentinel...), and what is refused, with messages that
// say what was expected and never echo a password.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { configureQueue, type QueueSettings } from "loopwise";
import { describeRedis, redisClientOptions, resetQueueSettings } from "../../src/queue/config.js";
import { parseRedisUrl, RedisUrlError } from "../../src/queue/redis-url.js";

delete process.env["REDIS_URL"];
afterEach(() => {
  resetQueueSettings();
  delete process.env["REDIS_URL"];
});

describe("Redis URLs", () => {
  test("host, port, credentials, database, TLS", () => {
    assert.deepEqual(parseRedisUrl("rediss://me:p%40ss@cache.internal:6380/3"), {
      host: "cache.internal",
      port: 6380,
      username: "me",
      password: "p@ss",
      db: 3,
      tls: { servername: "cache.internal" },
    });
    assert.deepEqual(parseRedisUrl("redis://cache"), { host: "cache", port: 6379, db: 0 });
    // A certificate names a host: no SNI for an address.
    assert.deepEqual(parseRedisUrl("rediss://[::1]:6380").tls, {});
    assert.deepEqual(parseRedisUrl("rediss://10.0.0.5").tls, {});
    assert.equal(parseRedisUrl("redis://[::1]:6380").host, "::1");
  });

  test("wrong URLs are refused with what was expected, never echoing a password", () => {
    const wrong = ["", "cache:6379", "http://:secret@h", "redis://", "redis://h/x", "redis://:secret@h/1/2", "redis://:secret@h:0", "redis://:%zzsecret@h"];
    for (const url of wrong) {
      assert.throws(() => parseRedisUrl(url), (error: unknown) => {
        assert.ok(error instanceof RedisUrlError, url);
        assert.doesNotMatch(error.message, /secret/);
        return true;
      });
    }
    assert.throws(() => parseRedisUrl("redis://h:0"), /port must be from 1 to 65535/);
    assert.throws(() => parseRedisUrl("redis://:%zz@h"), /%-encoded/);
  });
});

describe("queue settings", () => {
  test("nothing configured: no client options (enqueue then says how to configure Redis)", () => {
    assert.equal(redisClientOptions(), undefined);
  });

  test("REDIS_URL is read when nothing else is set; configureQueue's URL wins over it", () => {
    process.env["REDIS_URL"] = "redis://from-env:7000";
    assert.equal(redisClientOptions()?.host, "from-env");
    configureQueue({ redisUrl: "redis://configured:7001" });
    assert.deepEqual([redisClientOptions()?.host, redisClientOptions()?.port], ["configured", 7001]);
  });

  test("ioredis options apply over the URL's, and alone they configure Redis (Sentinel)", () => {
    configureQueue({ redisUrl: "redis://:pw@cache:6379/2", redisOptions: { family: 6, db: 4 }, connectTimeout: 800 });
    assert.deepEqual(redisClientOptions(), { host: "cache", port: 6379, password: "pw", db: 4, family: 6, connectTimeout: 800 });
    resetQueueSettings();
    const sentinels = [{ host: "10.0.0.7", port: 26379 }, { host: "10.0.0.8", port: 26379 }];
    configureQueue({ redisOptions: { sentinels, name: "jobs", password: "hunter2" } });
    const options = redisClientOptions()!;
    assert.deepEqual([options.sentinels, options.name, options.connectTimeout], [sentinels, "jobs", 5000]);
    assert.equal(describeRedis(options), 'Sentinel master "jobs" (via 10.0.0.7:26379, 10.0.0.8:26379)');
    assert.equal(describeRedis({ host: "::1", port: 6380, password: "hunter2" }), "[::1]:6380");
  });

  test("options loopwise sets per connection, and ioredis key prefixes, are refused saying why", () => {
    for (const key of ["enableOfflineQueue", "maxRetriesPerRequest", "retryStrategy", "lazyConnect", "autoResendUnfulfilledCommands"]) {
      assert.throws(() => configureQueue({ redisOptions: { [key]: null } as QueueSettings["redisOptions"] }), new RegExp(`${key} is set by loopwise for each connection`));
    }
    assert.throws(() => configureQueue({ redisOptions: { keyPrefix: "app:" } }), /use queue\.prefix/);
    assert.equal(redisClientOptions(), undefined, "a refused setting leaves nothing configured");
  });

  test("hostile values are refused before any connection", () => {
    const bad: [string, unknown][] = [
      ["redisOptions", "redis://h"],
      ["redisOptions", [{ host: "h" }]],
      ["redisUrl", 6379],
      ["prefix", ""],
      ["prefix", 7],
      ["lockDuration", -1],
      ["stalledInterval", 0.5],
      ["connectTimeout", Number.POSITIVE_INFINITY],
      ["connectTimeout", "5000"],
    ];
    for (const [key, value] of bad) {
      assert.throws(() => configureQueue({ [key]: value } as QueueSettings), (error: unknown) => {
        assert.ok(error instanceof TypeError || error instanceof RangeError, `${key}=${String(value)}: ${String(error)}`);
        assert.match((error as Error).message, new RegExp(`queue\\.${key}`));
        return true;
      });
    }
  });
});
