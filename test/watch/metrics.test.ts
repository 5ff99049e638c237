import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { app, blocks } from "../fixtures/watch/metrics-app.js";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text format strictly: every line is a comment, a sample, or empty. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ")) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[\d.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    assert.ok(sample, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const pair of (sample[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

function find(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));
}

describe("metrics: Prometheus text at /metrics", () => {
  let url: string;
  let close: () => Promise<void>;
  before(async () => {
    const server = await app.serve({ port: 0, handleSignals: false });
    url = server.url;
    close = server.close;
    await app.watch!.watchdog!.ready;
  });
  after(async () => close());

  it("counts requests by route and status, with latency histograms and what is in flight", async () => {
    for (const id of ["1", "2", "3", "missing", "missing"]) await (await fetch(`${url}/items/${id}`)).arrayBuffer();
    await (await fetch(`${url}/%0a%22{}`)).arrayBuffer();
    const response = await fetch(`${url}/metrics`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const { samples, types } = parseMetrics(await response.text());
    const route = { method: "GET", route: "/items/{id}" };
    assert.equal(find(samples, "loopwise_http_requests_total", { ...route, status: "200" })[0]?.value, 3);
    assert.equal(find(samples, "loopwise_http_requests_total", { ...route, status: "404" })[0]?.value, 2);
    assert.equal(find(samples, "loopwise_http_requests_total", { route: "(no route)", status: "404" })[0]?.value, 1);
    assert.equal(types.get("loopwise_http_request_duration_seconds"), "histogram");
    const buckets = find(samples, "loopwise_http_request_duration_seconds_bucket", route);
    assert.equal(buckets.at(-1)?.labels["le"], "+Inf");
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]!.value >= buckets[i - 1]!.value, "buckets are cumulative");
    assert.equal(buckets.at(-1)?.value, 5);
    assert.equal(find(samples, "loopwise_http_request_duration_seconds_count", route)[0]?.value, 5);
    assert.ok(find(samples, "loopwise_http_request_duration_seconds_sum", route)[0]!.value > 0);
    // The queue lane's metrics are merged in.
    assert.equal(types.get("loopwise_task_duration_seconds"), "histogram");
    // The scrape itself is the one request in flight.
    assert.equal(find(samples, "loopwise_http_requests_in_flight")[0]?.value, 1);
  });

  it("reports the event loop: delay percentiles, utilization, lag", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { samples, types } = parseMetrics(await (await fetch(`${url}/metrics`)).text());
    assert.equal(types.get("loopwise_event_loop_delay_seconds"), "summary");
    for (const quantile of ["0.5", "0.9", "0.99", "1"]) {
      assert.ok(find(samples, "loopwise_event_loop_delay_seconds", { quantile })[0]!.value >= 0, quantile);
    }
    assert.ok(find(samples, "loopwise_event_loop_delay_seconds_count")[0]!.value > 0);
    for (const stat of ["p50", "p99", "max"]) assert.ok(find(samples, "loopwise_event_loop_delay_recent_seconds", { stat })[0]!.value >= 0);
    const elu = find(samples, "loopwise_event_loop_utilization")[0]!.value;
    assert.ok(elu >= 0 && elu <= 1, String(elu));
    assert.ok(find(samples, "loopwise_event_loop_lag_seconds")[0]!.value >= 0);
  });

  it("counts blocks by route once the watchdog reports them", async () => {
    await (await fetch(`${url}/block`)).arrayBuffer();
    for (let i = 0; i < 100 && !blocks.includes("/block"); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const { samples, types } = parseMetrics(await (await fetch(`${url}/metrics`)).text());
    assert.equal(types.get("loopwise_blocks_total"), "counter");
    assert.equal(find(samples, "loopwise_blocks_total", { route: "GET /block" })[0]?.value, 1);
    assert.ok(find(samples, "loopwise_blocked_seconds_total", { route: "GET /block" })[0]!.value >= 0.1);
  });

  it("reports the thread pool once it runs", async () => {
    assert.deepEqual(await (await fetch(`${url}/square/7`)).json(), { square: 49 });
    const { samples } = parseMetrics(await (await fetch(`${url}/metrics`)).text());
    assert.equal(find(samples, "loopwise_pool_size")[0]?.value, 1);
    assert.equal(find(samples, "loopwise_pool_threads")[0]?.value, 1);
    assert.equal(find(samples, "loopwise_pool_queue_depth")[0]?.value, 0);
    assert.equal(find(samples, "loopwise_pool_busy")[0]?.value, 0);
    assert.ok(find(samples, "loopwise_pool_wait_seconds_count")[0]!.value >= 1);
    assert.ok(find(samples, "loopwise_pool_run_seconds", { quantile: "1" })[0]!.value >= 0);
  });
});
