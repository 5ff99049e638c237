import { Gauge, Histogram, Registry } from "prom-client";
import { queueConnections } from "./connections.js";
import { queueTasks } from "./queue-tasks.js";

/** Jobs of one queue by state, as Redis holds them now. */
export interface QueueStats {
  readonly queue: string;
  readonly waiting: number;
  readonly active: number;
  readonly completed: number;
  readonly failed: number;
  readonly delayed: number;
  readonly prioritized: number;
}

/** What this process's consumers measured for one task (or `app.consume` handler). */
export interface TaskRunStats {
  readonly task: string;
  readonly queue: string;
  readonly completed: number;
  readonly failed: number;
  /** Milliseconds per run: mean and maximum over this process's life. */
  readonly meanMs: number;
  readonly maxMs: number;
}

/**
 * The queue lane's Prometheus metrics, in a registry of their own so an app's `/metrics` can
 * merge them (`Registry.merge([appRegistry, queueMetricsRegistry])`):
 * `loopwise_task_duration_seconds{task,queue,outcome}` (histogram, measured by consumers in
 * this process) and `loopwise_queue_jobs{queue,state}` (gauge, read from Redis at scrape time).
 */
export const queueMetricsRegistry = new Registry();

const taskDuration = new Histogram({
  name: "loopwise_task_duration_seconds",
  help: "Time a queued task or message handler took to run, by outcome",
  labelNames: ["task", "queue", "outcome"] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [queueMetricsRegistry],
});

const consumed = new Set<string>();

new Gauge({
  name: "loopwise_queue_jobs",
  help: "Jobs in each queue by state (waiting, active, completed, failed, delayed, prioritized)",
  labelNames: ["queue", "state"] as const,
  registers: [queueMetricsRegistry],
  async collect() {
    this.reset();
    const stats = await queueStats().catch(() => []);
    for (const queue of stats) {
      for (const state of ["waiting", "active", "completed", "failed", "delayed", "prioritized"] as const) {
        this.set({ queue: queue.queue, state }, queue[state]);
      }
    }
  },
});

interface Tally {
  queue: string;
  completed: number;
  failed: number;
  totalMs: number;
  maxMs: number;
}
const tallies = new Map<string, Tally>();

/** @internal Consumers call it once per finished run. */
export function recordTaskRun(task: string, queue: string, ms: number, ok: boolean): void {
  taskDuration.observe({ task, queue, outcome: ok ? "completed" : "failed" }, ms / 1000);
  const tally = tallies.get(task) ?? { queue, completed: 0, failed: 0, totalMs: 0, maxMs: 0 };
  if (ok) tally.completed += 1;
  else tally.failed += 1;
  tally.totalMs += ms;
  tally.maxMs = Math.max(tally.maxMs, ms);
  tallies.set(task, tally);
}

/** @internal Consumers declare the queues they read, so stats cover them too. */
export function noteConsumedQueue(queue: string): void {
  consumed.add(queue);
}

/** Per-task run statistics measured by the consumers of this process. */
export function taskRunStats(): TaskRunStats[] {
  return [...tallies].map(([task, t]) => ({
    task,
    queue: t.queue,
    completed: t.completed,
    failed: t.failed,
    meanMs: t.completed + t.failed === 0 ? 0 : t.totalMs / (t.completed + t.failed),
    maxMs: t.maxMs,
  }));
}

/**
 * Job counts per queue, read from Redis: the queues of every task this process defines and of
 * every consumer it runs (or the ones named).
 *
 * @throws QueueNotConfiguredError without Redis; QueueUnavailableError when Redis is down.
 * @example
 * for (const q of await queueStats()) console.log(q.queue, q.waiting, q.active, q.failed);
 */
export async function queueStats(queues?: readonly string[]): Promise<QueueStats[]> {
  const names = queues ?? [...new Set([...queueTasks().map((t) => t.queue), ...consumed])].sort();
  if (names.length === 0) return [];
  const connections = queueConnections();
  return Promise.all(
    names.map(async (queue) => {
      const counts = await connections.onQueue(queue, "queue statistics", (q) => q.getJobCounts("waiting", "active", "completed", "failed", "delayed", "prioritized"));
      return {
        queue,
        waiting: counts["waiting"] ?? 0,
        active: counts["active"] ?? 0,
        completed: counts["completed"] ?? 0,
        failed: counts["failed"] ?? 0,
        delayed: counts["delayed"] ?? 0,
        prioritized: counts["prioritized"] ?? 0,
      };
    }),
  );
}
