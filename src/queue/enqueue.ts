import { queueConnections } from "./connections.js";
import { toJobOptions, type EnqueueOptions } from "./enqueue-options.js";
import { JobHandle } from "./job-handle.js";
import { queueTaskOf, TaskNameError, findQueueTask } from "./queue-tasks.js";
import { validateTaskValue } from "./validate.js";

/** What a job carries: the task's arguments, as JSON. */
export interface TaskJobData {
  readonly args: unknown[];
}

/** Arguments cross machines as JSON: say so now rather than lose a BigInt or a Map on the way. */
function assertJson(value: unknown, what: string): void {
  const problems: string[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown, path: string) => {
    if (problems.length > 0) return;
    if (v === null || typeof v === "string" || typeof v === "boolean") return;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) problems.push(`${path} is ${v}, which JSON cannot carry`);
      return;
    }
    if (typeof v !== "object") {
      problems.push(`${path} is a ${typeof v}, which JSON cannot carry`);
      return;
    }
    if (seen.has(v)) {
      problems.push(`${path} refers back to itself`);
      return;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) {
      problems.push(`${path} is a ${(v as object).constructor?.name ?? "non-plain object"}; queue payloads are JSON (plain objects, arrays, strings, numbers, booleans, null)`);
      return;
    }
    seen.add(v);
    for (const [key, item] of Object.entries(v)) walk(item, Array.isArray(v) ? `${path}[${key}]` : `${path}.${key}`);
    seen.delete(v);
  };
  walk(value, "args");
  if (problems.length > 0) throw new TypeError(`${what}: ${problems[0]}`);
}

/**
 * Puts a run of `task` on the queue lane. See `Task.enqueue`.
 *
 * @example
 * const handle = await enqueueTask(report, [2024], { attempts: 3 });
 */
export async function enqueueTask<R>(owner: object, args: unknown[], options: EnqueueOptions = {}): Promise<JobHandle<R>> {
  const entry = queueTaskOf(owner);
  if (!entry) throw new TypeError("enqueue(): not a task made with task()");
  const what = `task ${entry.name}`;
  if (entry.name === "" || entry.name === "anonymous") {
    throw new TaskNameError("enqueue(): the task's function has no name, and queue jobs are found by name: task(function myTask() {...})");
  }
  const found = findQueueTask(entry.name);
  if (found instanceof TaskNameError) throw found;
  if (!Array.isArray(args)) throw new TypeError(`${what}.enqueue(args): args must be the array of the task's arguments`);
  const jobOptions = toJobOptions(options);
  const checked = (await validateTaskValue(entry.payload, args, what, "arguments")) as unknown[];
  assertJson(checked, what);
  const data: TaskJobData = { args: checked };
  const job = await queueConnections().onQueue(entry.queue, what, (queue) => queue.add(entry.name, data, jobOptions));
  return new JobHandle<R>(job.id!, entry.queue, what);
}
