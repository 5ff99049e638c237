import type { Logger } from "../logging.js";
import { QueueConsumer } from "./consumer.js";
import { findQueueTask, queueTasks, TaskNameError } from "./queue-tasks.js";
import { taskProcessor } from "./task-processor.js";

/** Options of {@link TaskWorker.start}. */
export interface TaskWorkerOptions {
  /** Jobs run at once per queue (default 1). */
  concurrency?: number | undefined;
  /** Queues to consume (default: every queue the app's tasks use). */
  queues?: readonly string[] | undefined;
  readonly logger: Logger;
}

/** Refused at start: nothing to consume, or a task name that cannot identify a task. */
export class TaskWorkerError extends Error {
  override readonly name = "TaskWorkerError";
}

/**
 * The consuming side of the queue lane in one process (what `loopwise worker` runs): one BullMQ
 * consumer per queue of the app's tasks, each job run on its task's lane.
 *
 * @example
 * const worker = await TaskWorker.start({ concurrency: 4, logger: app.logger });
 * process.once("SIGTERM", () => void worker.stop(30_000));
 */
export class TaskWorker {
  readonly #consumers: QueueConsumer[];
  readonly queues: readonly string[];
  /** Task names by queue. */
  readonly tasks: ReadonlyMap<string, readonly string[]>;

  private constructor(consumers: QueueConsumer[], tasks: Map<string, string[]>) {
    this.#consumers = consumers;
    this.queues = consumers.map((c) => c.queue);
    this.tasks = tasks;
  }

  static async start(options: TaskWorkerOptions): Promise<TaskWorker> {
    const defined = queueTasks();
    if (defined.length === 0) {
      throw new TaskWorkerError(
        "The app module defines no tasks: a worker runs functions declared with task(function name() {...}) at the top " +
          "level of the app module or of a module it imports",
      );
    }
    for (const task of defined) {
      const found = findQueueTask(task.name);
      if (found instanceof TaskNameError) throw new TaskWorkerError(found.message);
    }
    const byQueue = new Map<string, string[]>();
    for (const task of defined) byQueue.set(task.queue, [...(byQueue.get(task.queue) ?? []), task.name]);
    const queues = options.queues ?? [...byQueue.keys()].sort();
    for (const queue of queues) {
      if (!byQueue.has(queue)) {
        throw new TaskWorkerError(`No task of the app uses queue "${queue}" (its tasks' queues: ${[...byQueue.keys()].sort().join(", ")})`);
      }
    }
    const consumers = queues.map(
      (queue) => new QueueConsumer({ queue, concurrency: options.concurrency, logger: options.logger, process: taskProcessor(queue), label: "worker" }),
    );
    const started: QueueConsumer[] = [];
    try {
      for (const consumer of consumers) {
        await consumer.start();
        started.push(consumer);
      }
    } catch (error) {
      await Promise.all(started.map((c) => c.close(0)));
      throw error;
    }
    return new TaskWorker(consumers, new Map(queues.map((q) => [q, byQueue.get(q) ?? []])));
  }

  /**
   * Stops taking jobs and waits up to `graceMs` for running ones. Resolves true when all
   * finished; false when some were still running (their locks expire and another worker's
   * stalled-job check requeues them).
   */
  async stop(graceMs = 30_000): Promise<boolean> {
    const results = await Promise.all(this.#consumers.map((c) => c.close(graceMs)));
    return results.every(Boolean);
  }
}
