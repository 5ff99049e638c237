import { Gauge, Registry, type Metric } from "prom-client";
import type { ThreadPoolStats } from "../lanes/thread-pool.js";
import type { ShedReason } from "./load-shedding.js";
import type { LoopMonitor } from "./loop-monitor.js";
import { LATENCY_BUCKETS_MS, type RouteStats } from "./route-stats.js";
import type { WatchdogStats } from "./stats.js";

/** What the metrics are read from, at each scrape. */
export interface MetricsSource {
  routes(): Iterable<RouteStats>;
  inFlight(): number;
  shed(): ReadonlyMap<ShedReason, number>;
  loop(): LoopMonitor | undefined;
  watchdog(): WatchdogStats | undefined;
  pool(): ThreadPoolStats | undefined;
}

type Labels = Record<string, string | number>;
type Sample = { value: number; labels: Labels; metricName?: string };

/**
 * A metric whose values are computed at scrape time from counters kept elsewhere (the hot path
 * only bumps plain numbers; nothing is hashed per request). prom-client's registry formats it.
 */
class ComputedMetric {
  readonly aggregator = "sum";
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram" | "summary";
  readonly #values: () => Sample[];

  constructor(name: string, help: string, type: ComputedMetric["type"], values: () => Sample[]) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.#values = values;
  }

  get() {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.#values() };
  }

  reset(): void {}
}


/**
 * The app's registry joined with the queue lane's (`loopwise_task_duration_seconds`,
 * `loopwise_queue_jobs`), loaded on the first scrape; the app's alone if that cannot load.
 */
export async function withQueueMetrics(registry: Registry): Promise<Registry> {
  try {
    const { queueMetricsRegistry } = await import("../queue/metrics.js");
    return Registry.merge([registry, queueMetricsRegistry]);
  } catch {
    return registry;
  }
}

/**
 * The Prometheus registry of one app: event-loop delay and utilization, blocks by route, per-route
 * latency histograms and counts by status, requests in flight and shed, the thread pool.
 *
 * @example
 * const registry = createMetricsRegistry(source);
 * const text = await registry.metrics();
 */
export function createMetricsRegistry(source: MetricsSource): Registry {
  const registry = new Registry();
  const add = (metric: ComputedMetric): void => registry.registerMetric(metric as unknown as Metric);
  const gauge = (name: string, help: string, read: () => number | undefined): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect(this: Gauge) {
        const value = read();
        if (value === undefined) this.reset();
        else this.set(value);
      },
    });
  };

  add(
    new ComputedMetric("loopwise_event_loop_delay_seconds", "Event-loop delay since start: how late a 20 ms probe timer fired.", "summary", (): Sample[] => {
      const loop = source.loop();
      if (loop === undefined) return [];
      const life = loop.lifetime();
      return [
        { labels: { quantile: 0.5 }, value: life.p50 / 1000 },
        { labels: { quantile: 0.9 }, value: life.p90 / 1000 },
        { labels: { quantile: 0.99 }, value: life.p99 / 1000 },
        { labels: { quantile: 1 }, value: life.max / 1000 },
        { labels: {}, value: life.count, metricName: "loopwise_event_loop_delay_seconds_count" },
      ];
    }),
  );
  add(
    new ComputedMetric("loopwise_event_loop_delay_recent_seconds", "Event-loop delay over the last one-second window.", "gauge", () => {
      const loop = source.loop();
      if (loop === undefined) return [];
      const { p50, p99, max } = loop.latest;
      return [
        { labels: { stat: "p50" }, value: p50 / 1000 },
        { labels: { stat: "p99" }, value: p99 / 1000 },
        { labels: { stat: "max" }, value: max / 1000 },
      ];
    }),
  );
  gauge("loopwise_event_loop_utilization", "Share of the last second the event loop was busy (0..1).", () => source.loop()?.latest.elu);
  gauge("loopwise_event_loop_lag_seconds", "How late a 100 ms timer fired, last time it was checked.", () => {
    const loop = source.loop();
    return loop === undefined ? undefined : loop.lagMs / 1000;
  });

  add(
    new ComputedMetric("loopwise_blocks_total", "Event-loop blocks reported by the watchdog, by route.", "counter", () =>
      [...(source.watchdog()?.byRoute ?? [])].map(([route, stats]) => ({ labels: { route }, value: stats.blocks })),
    ),
  );
  add(
    new ComputedMetric("loopwise_blocked_seconds_total", "Time the event loop was blocked, by route.", "counter", () =>
      [...(source.watchdog()?.byRoute ?? [])].map(([route, stats]) => ({ labels: { route }, value: stats.blockedMs / 1000 })),
    ),
  );
  add(
    new ComputedMetric("loopwise_thread_stalls_total", "Thread-lane workers reported stuck.", "counter", () => {
      const stats = source.watchdog();
      return stats === undefined ? [] : [{ labels: {}, value: stats.threadStalls }];
    }),
  );

  add(
    new ComputedMetric("loopwise_http_request_duration_seconds", "Time from arrival to the response's last byte, by route.", "histogram", () => {
      const samples: Sample[] = [];
      for (const stats of source.routes()) {
        const labels = { method: stats.method, route: stats.route };
        let cumulative = 0;
        for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
          cumulative += stats.buckets[i]!;
          samples.push({ labels: { ...labels, le: LATENCY_BUCKETS_MS[i]! / 1000 }, value: cumulative, metricName: "loopwise_http_request_duration_seconds_bucket" });
        }
        samples.push({ labels: { ...labels, le: "+Inf" }, value: stats.count, metricName: "loopwise_http_request_duration_seconds_bucket" });
        samples.push({ labels, value: stats.sumMs / 1000, metricName: "loopwise_http_request_duration_seconds_sum" });
        samples.push({ labels, value: stats.count, metricName: "loopwise_http_request_duration_seconds_count" });
      }
      return samples;
    }),
  );
  add(
    new ComputedMetric("loopwise_http_requests_total", "Requests answered, by route and status.", "counter", () => {
      const samples: Sample[] = [];
      for (const stats of source.routes()) {
        for (const [status, count] of stats.byStatus) samples.push({ labels: { method: stats.method, route: stats.route, status }, value: count });
      }
      return samples;
    }),
  );
  gauge("loopwise_http_requests_in_flight", "Requests being served now.", () => source.inFlight());
  add(
    new ComputedMetric("loopwise_http_requests_shed_total", "Requests refused with 503 by load shedding, by reason.", "counter", () =>
      [...source.shed()].map(([reason, count]) => ({ labels: { reason }, value: count })),
    ),
  );

  gauge("loopwise_pool_size", "Most threads the thread-lane pool may run.", () => source.pool()?.size);
  gauge("loopwise_pool_threads", "Threads of the thread-lane pool running now.", () => source.pool()?.threads);
  gauge("loopwise_pool_busy", "Thread-lane calls running on a thread.", () => source.pool()?.busy);
  gauge("loopwise_pool_queue_depth", "Thread-lane calls waiting for a free thread.", () => source.pool()?.queued);
  gauge("loopwise_pool_utilization", "Share of the pool's capacity used since it started (0..1).", () => source.pool()?.utilization);
  add(
    new ComputedMetric("loopwise_pool_wait_seconds", "Time thread-lane calls waited for a thread.", "summary", (): Sample[] => {
      const pool = source.pool();
      if (pool === undefined) return [];
      const { p50, p99, max } = pool.waitTime;
      return [
        { labels: { quantile: 0.5 }, value: p50 / 1000 },
        { labels: { quantile: 0.99 }, value: p99 / 1000 },
        { labels: { quantile: 1 }, value: max / 1000 },
        { labels: {}, value: pool.completed, metricName: "loopwise_pool_wait_seconds_count" },
      ];
    }),
  );
  add(
    new ComputedMetric("loopwise_pool_run_seconds", "Time thread-lane calls ran on a thread.", "summary", (): Sample[] => {
      const pool = source.pool();
      if (pool === undefined) return [];
      const { p50, p99, max } = pool.runTime;
      return [
        { labels: { quantile: 0.5 }, value: p50 / 1000 },
        { labels: { quantile: 0.99 }, value: p99 / 1000 },
        { labels: { quantile: 1 }, value: max / 1000 },
        { labels: {}, value: pool.completed, metricName: "loopwise_pool_run_seconds_count" },
      ];
    }),
  );
  return registry;
}
