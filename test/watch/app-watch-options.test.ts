import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { App, depends } from "../../src/index.js";
import { resolveAppWatchSettings } from "../../src/watch/app-watch-options.js";
import { isDevelopment, resolveWatchdogSettings } from "../../src/watch/watchdog-options.js";

describe("the app's watchdog options", () => {
  it("knows development from `loopwise dev` (LOOPWISE_ENV) or NODE_ENV", () => {
    assert.equal(isDevelopment({ LOOPWISE_ENV: "development" }), true);
    assert.equal(isDevelopment({ NODE_ENV: "development" }), true);
    assert.equal(isDevelopment({ LOOPWISE_ENV: "production", NODE_ENV: "test" }), false);
    assert.equal(isDevelopment({}), false);
  });

  it("defaults: 250 ms in production, 100 ms in development, where the dashboard, the profile header and Server-Timing are on", () => {
    assert.equal(resolveWatchdogSettings({ dev: false }).thresholdMs, 250);
    assert.equal(resolveWatchdogSettings({ dev: true }).thresholdMs, 100);
    const production = resolveAppWatchSettings({ dev: false });
    assert.equal(production.dashboard, null);
    assert.equal(production.metrics, null);
    assert.equal(production.shed, null);
    assert.deepEqual(production.profile, { headerName: null, sampleEvery: 0, serverTiming: false });
    const dev = resolveAppWatchSettings({ dev: true });
    assert.deepEqual(dev.dashboard, { path: "/_loopwise", auth: undefined });
    assert.equal(dev.profile?.headerName, "x-loopwise-profile");
    assert.equal(dev.profile?.serverTiming, true);
    assert.equal(resolveAppWatchSettings({ dev: false, profile: { serverTiming: true } }).profile?.serverTiming, true);
    assert.equal(resolveAppWatchSettings({ dev: true, profile: { serverTiming: false } }).profile?.serverTiming, false);
    assert.equal(resolveAppWatchSettings({ profile: false }).profile, null);
    assert.deepEqual(resolveAppWatchSettings({ metrics: true }).metrics, { path: "/metrics" });
    assert.equal(resolveAppWatchSettings({ profile: { header: "X-Trace-Me" } }).profile?.headerName, "x-trace-me");
  });

  it("refuses a dashboard without auth outside development, and hostile values everywhere", () => {
    assert.throws(() => resolveAppWatchSettings({ dev: false, dashboard: true }), /needs `auth`/);
    assert.doesNotThrow(() => resolveAppWatchSettings({ dev: false, dashboard: { auth: () => true } }));
    assert.doesNotThrow(() => resolveAppWatchSettings({ dev: false, dashboard: { auth: depends(() => "user") } }));
    const bad: unknown[] = [
      { metrics: { path: "metrics" } },
      { metrics: { path: "/a//b" } },
      { metrics: { path: "/x/" } },
      { metrics: { path: "/x?y" } },
      { dashboard: { path: "/<script>", auth: () => true } },
      { dashboard: { auth: 42 }, dev: true },
      { profile: { header: "bad header" } },
      { profile: { sampleEvery: -1 } },
      { profile: { sampleEvery: 1.5 } },
      { shed: { maxInFlight: 0 } },
      { shed: { maxEventLoopDelayMs: Number.NaN } },
      { shed: { maxPoolQueue: -1 } },
      { shed: { retryAfterSeconds: 1.5 } },
      { shed: { exempt: "/health" } },
      { shed: { exempt: [1] } },
    ];
    for (const options of bad) assert.throws(() => resolveAppWatchSettings(options as never), JSON.stringify(options));
  });

  it("is on by default, off with `watchdog: false`, and fails the App's construction on a bad option", () => {
    assert.ok(new App({ logger: false }).watch);
    assert.equal(new App({ logger: false, watchdog: false }).watch, undefined);
    assert.throws(() => new App({ logger: false, watchdog: { dev: false, dashboard: true } }), /needs `auth`/);
    assert.throws(() => new App({ logger: false, watchdog: { thresholdMs: 5 } }), /thresholdMs/);
  });

  it("registers the metrics and dashboard routes, left out of the OpenAPI document", () => {
    const app = new App({ logger: false, watchdog: { metrics: { path: "/internal/metrics" }, dashboard: { path: "/ops", auth: () => true } } });
    assert.deepEqual(
      app.routes.map((route) => route.label),
      ["GET /internal/metrics", "GET /ops", "GET /ops/state", "GET /ops/events"],
    );
    assert.deepEqual(Object.keys(app.openapi().paths ?? {}), []);
  });
});
