import { UnrecoverableError, type Job } from "bullmq";
import { runInJobContext } from "./job-context.js";
import { findQueueTask, TaskNameError } from "./queue-tasks.js";
import { validateTaskValue } from "./validate.js";

/**
 * What a worker does with a job of `queue`: find the task by the job's name, check the payload
 * (it crossed machines: it is input like any other), run the task on its lane, check the result.
 * Problems no retry can fix (unknown task, malformed or invalid payload) fail the job at once.
 *
 * @example
 * new Worker("default", taskProcessor("default"), { connection });
 */
export function taskProcessor(queue: string): (job: Job) => Promise<unknown> {
  return async (job) => {
    const task = findQueueTask(job.name);
    if (task instanceof TaskNameError) throw new UnrecoverableError(task.message);
    const what = `task ${task.name}`;
    if (task.queue !== queue) throw new UnrecoverableError(`${what} belongs to queue "${task.queue}", but its job arrived on "${queue}"`);
    const data = job.data as { args?: unknown } | null;
    if (typeof data !== "object" || data === null || !Array.isArray(data.args)) {
      throw new UnrecoverableError(`${what}: malformed job payload (expected {"args": [...]})`);
    }
    let args: unknown[];
    try {
      args = (await validateTaskValue(task.payload, data.args, what, "arguments")) as unknown[];
    } catch (error) {
      throw new UnrecoverableError((error as Error).message);
    }
    return runInJobContext(task.name, queue, job, async () => {
      const value = task.lane === "loop" ? await (task.fn as (...a: unknown[]) => unknown)(...args) : await task.runOnThread(args);
      return validateTaskValue(task.result, value, what, "result");
    });
  };
}
