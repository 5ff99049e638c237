import assert from "node:assert/strict";
import diagnosticsChannel from "node:diagnostics_channel";
import { describe, it } from "node:test";
import { Request } from "../../src/request.js";
import { BufferBodySource } from "../../src/server/body-source.js";
import { LoadShedder } from "../../src/watch/load-shedding.js";
import { watchOutboundCalls } from "../../src/watch/outbound-calls.js";
import { requestContext, type RequestContext } from "../../src/watch/request-context.js";
import { RequestProfile } from "../../src/watch/request-profile.js";

function request(path: string): Request {
  const context: RequestContext = { id: 1, method: "GET", url: path, route: "", startedAt: performance.now() };
  return new Request({ method: "GET", url: path, headers: {}, body: new BufferBodySource(new Uint8Array()), context });
}

describe("hostile inputs to the watch", () => {
  it("outbound-call subscribers survive messages of shapes they do not expect", () => {
    const stop = watchOutboundCalls();
    try {
      const profile = new RequestProfile(performance.now(), false, {});
      const ctx: RequestContext = { id: 9, method: "GET", url: "/", route: "", startedAt: profile.startedAt, profile };
      requestContext.run(ctx, () => {
        for (const channel of ["undici:request:create", "undici:request:headers", "undici:request:trailers", "undici:request:error", "http.client.request.start", "http.client.response.finish", "http.client.request.error"]) {
          for (const message of [null, undefined, 42, "x", {}, { request: null }, { request: {} }, { request: { method: 5, origin: {}, path: null } }, { request: {}, response: null }]) {
            assert.doesNotThrow(() => diagnosticsChannel.channel(channel).publish(message), `${channel} ${JSON.stringify(message)}`);
          }
        }
      });
      // What could be read was recorded, with its odd parts made safe.
      for (const call of profile.calls ?? []) {
        assert.equal(typeof call.method, "string");
        assert.equal(typeof call.url, "string");
      }
    } finally {
      stop();
    }
  });

  it("load shedding treats an exempt function that throws as not exempt, and exact paths only as exempt", () => {
    const gauges = { lagMs: () => 0, inFlight: () => 10, poolQueue: () => 0 };
    const throwing = new LoadShedder(
      { maxEventLoopDelayMs: null, maxInFlight: 5, maxPoolQueue: null, retryAfterSeconds: 2, exempt: () => { throw new Error("boom"); } },
      gauges,
      "fastapi",
      ["/metrics"],
    );
    const refused = throwing.check(request("/items"));
    assert.equal(refused?.status, 503);
    assert.equal(refused?.headers["retry-after"], "2");
    assert.equal(throwing.check(request("/metrics?x=1")), undefined);
    assert.equal(throwing.refused.get("in_flight"), 1);
    const listed = new LoadShedder({ maxEventLoopDelayMs: null, maxInFlight: 5, maxPoolQueue: null, retryAfterSeconds: 1, exempt: ["/health"] }, gauges, "problem", []);
    assert.equal(listed.check(request("/health")), undefined);
    for (const path of ["/health/", "/healthz", "/HEALTH", "/x/health", "/%2Fhealth"]) assert.equal(listed.check(request(path))?.status, 503, path);
    assert.equal(listed.check(request("/items"))?.headers["content-type"], "application/problem+json");
  });
});
