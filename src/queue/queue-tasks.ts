import type { Schema } from "../schema/types.js";

/** Where a queued task runs inside a worker process. */
export type QueueLane = "thread" | "loop";

/** What the queue lane knows about one task. */
export interface QueueTask {
  /** The job name on the queue: the function's name, the same on every machine. */
  readonly name: string;
  /** The BullMQ queue its jobs go to. */
  readonly queue: string;
  /** `thread` (default for plain functions) or `loop` (default for async functions). */
  readonly lane: QueueLane;
  /** The module that defines it, to say which two modules clash on a name. */
  readonly module: string;
  readonly payload: Schema | undefined;
  readonly result: Schema | undefined;
  /** Runs it on the thread lane (the Task's `.run()`). */
  runOnThread(args: unknown[]): Promise<unknown>;
  /** The function itself, for the loop lane. */
  readonly fn: (...args: never[]) => unknown;
}

interface Table {
  readonly byName: Map<string, QueueTask>;
  /** Names defined by two different modules: enqueueing or consuming them is refused. */
  readonly clashes: Map<string, Set<string>>;
  readonly byTask: WeakMap<object, QueueTask>;
}

const TABLE = Symbol.for("loopwise.queue.tasks");

function table(): Table {
  const holder = globalThis as { [TABLE]?: Table };
  return (holder[TABLE] ??= { byName: new Map(), clashes: new Map(), byTask: new WeakMap() });
}

/** Default lane: async functions await I/O and belong on the loop; plain ones may block. */
export function defaultLane(fn: (...args: never[]) => unknown): QueueLane {
  return fn.constructor.name === "AsyncFunction" ? "loop" : "thread";
}

/**
 * Records a task for the queue lane under its function's name. Called by `task()`; a worker
 * process imports the app, which defines the same tasks, and finds them here by name.
 *
 * @example
 * registerQueueTask(resizeTask, { name: "resize", queue: "default", lane: "thread", ... });
 */
export function registerQueueTask(owner: object, entry: QueueTask): void {
  if (typeof entry.queue !== "string" || entry.queue === "" || entry.queue.includes(":")) {
    throw new TypeError(`task ${entry.name || "anonymous"}: queue must be a non-empty name without ':', got ${JSON.stringify(entry.queue)}`);
  }
  if (entry.lane !== "thread" && entry.lane !== "loop") {
    throw new TypeError(`task ${entry.name || "anonymous"}: lane must be "thread" or "loop", got ${JSON.stringify(entry.lane)}`);
  }
  const { byName, clashes, byTask } = table();
  byTask.set(owner, entry);
  if (entry.name === "" || entry.name === "anonymous") return;
  const existing = byName.get(entry.name);
  if (existing && existing.module !== entry.module) {
    const modules = clashes.get(entry.name) ?? new Set([existing.module]);
    modules.add(entry.module);
    clashes.set(entry.name, modules);
  }
  byName.set(entry.name, entry);
}

/** The queue-lane record of a task object. */
export function queueTaskOf(owner: object): QueueTask | undefined {
  return table().byTask.get(owner);
}

/** Thrown where a task's name cannot identify it on the queue. */
export class TaskNameError extends Error {
  override readonly name = "TaskNameError";
}

/** The task named `name`, or an explanation of why there is none. */
export function findQueueTask(name: string): QueueTask | TaskNameError {
  const { byName, clashes } = table();
  const clash = clashes.get(name);
  if (clash) {
    return new TaskNameError(
      `Two tasks are named "${name}" (${[...clash].join(", ")}): queue jobs are found by name, so rename one of the functions`,
    );
  }
  return byName.get(name) ?? new TaskNameError(`No task named "${name}" is defined by the app this worker imported`);
}

/** Every task registered in this process (one per name). */
export function queueTasks(): QueueTask[] {
  return [...table().byName.values()];
}
