import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { parseAppSpec } from "./app-spec.js";
import { CliError, usageError } from "./cli-error.js";
import { loadApp } from "./load-app.js";
import { LOG_LEVEL_NAMES, parseLogLevel } from "./log-level.js";
import type { CliEnv } from "./options.js";
import type { TaskWorker as RunningTaskWorker } from "../queue/task-worker.js";
import { writeStdout } from "./stdout.js";
import process from "node:process";

/** `loopwise worker --help`. */
export const WORKER_USAGE = `usage: loopwise worker <module>[:export] [options]

Runs the app's queued tasks: imports the app module (which defines its tasks with task()),
consumes their queues from Redis (BullMQ) and runs each job on its task's lane (the thread
lane for plain functions, the event loop for async ones). Start as many workers as you like,
on this machine or others, pointing at the same Redis: they share the jobs.

SIGTERM/SIGINT stop taking jobs and let running ones finish (up to the graceful timeout); a job
still running after that is put back on the queue by the other workers' stalled-job check.

options:
  -c, --concurrency <n>            jobs run at once per queue (default: $WORKER_CONCURRENCY, else the number of CPUs)
  -q, --queue <name>               consume only this queue; may be repeated (default: every queue of the app's tasks)
  --redis-url <url>                redis://[[user]:password@]host[:port][/db] (default: the app's setting, else $REDIS_URL)
  --timeout-graceful-shutdown <s>  on SIGTERM, how long running jobs may take to finish (default 30)
  --no-watchdog                    do not report blocks of the worker's event loop
  --log-level <level>              ${LOG_LEVEL_NAMES} (default: $LOG_LEVEL, else info)
  -h, --help                       this text

examples:
  REDIS_URL=redis://10.0.0.5:6379 loopwise worker src/main.ts --concurrency 8
  loopwise worker src/main.ts --queue reports`;

const MAX_CONCURRENCY = 10_000;

interface WorkerCommand {
  module: ReturnType<typeof parseAppSpec>;
  concurrency: number;
  queues: string[] | undefined;
  redisUrl: string | undefined;
  graceMs: number;
  watchdog: boolean;
  logLevel: ReturnType<typeof parseLogLevel> | undefined;
}

function parseWorkerArgs(argv: readonly string[], env: CliEnv): WorkerCommand | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      allowNegative: true,
      strict: true,
      options: {
        concurrency: { type: "string", short: "c" },
        queue: { type: "string", short: "q", multiple: true },
        "redis-url": { type: "string" },
        "timeout-graceful-shutdown": { type: "string" },
        watchdog: { type: "boolean" },
        "log-level": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw usageError((error as Error).message.split(/\.(?:\s|$)/)[0] ?? String(error), "worker");
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length === 0) throw usageError("missing the app module: loopwise worker <module>[:export]", "worker");
  if (positionals.length > 1) throw usageError(`unexpected argument ${JSON.stringify(positionals[1])}: give one app module`, "worker");
  const concurrencyText = values.concurrency ?? (env["WORKER_CONCURRENCY"] || undefined);
  let concurrency = availableParallelism();
  if (concurrencyText !== undefined) {
    concurrency = /^\d{1,5}$/.test(concurrencyText) ? Number(concurrencyText) : Number.NaN;
    if (!(concurrency >= 1 && concurrency <= MAX_CONCURRENCY)) {
      throw usageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${JSON.stringify(concurrencyText)}`, "worker");
    }
  }
  for (const queue of values.queue ?? []) {
    if (queue === "" || queue.includes(":")) throw usageError(`--queue must be a queue name without ':', got ${JSON.stringify(queue)}`, "worker");
  }
  let graceMs = 30_000;
  const grace = values["timeout-graceful-shutdown"];
  if (grace !== undefined) {
    const seconds = /^\d{1,6}(?:\.\d{1,3})?$/.test(grace) ? Number(grace) : Number.NaN;
    if (!(seconds >= 0 && seconds <= 86_400)) throw usageError(`--timeout-graceful-shutdown must be seconds from 0 to 86400, got ${JSON.stringify(grace)}`, "worker");
    graceMs = Math.round(seconds * 1000);
  }
  return {
    module: parseAppSpec(positionals[0]!, "worker"),
    concurrency,
    queues: values.queue,
    redisUrl: values["redis-url"],
    graceMs,
    watchdog: values.watchdog ?? true,
    logLevel: values["log-level"] === undefined ? undefined : parseLogLevel(values["log-level"], "worker"),
  };
}

/** Resolves on the first SIGTERM/SIGINT with its name; a second one exits at once. */
function firstStopSignal(onSecond: (signal: string) => void): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (received) return onSecond(signal);
      received = true;
      resolve(signal);
    };
    process.on("SIGTERM", handler);
    process.on("SIGINT", handler);
  });
}

/**
 * `loopwise worker <module>`: consumes the app's task queues until SIGTERM/SIGINT, then drains.
 * Resolves with the exit code.
 *
 * @example
 * process.exit(await runWorkerCommand(["src/main.ts", "--concurrency", "4"], process.env));
 */
export async function runWorkerCommand(argv: readonly string[], env: CliEnv, cwd = process.cwd()): Promise<number> {
  const command = parseWorkerArgs(argv, env);
  if (command === "help") {
    await writeStdout(`${WORKER_USAGE}\n`);
    return 0;
  }
  if (command.logLevel !== undefined) process.env["LOG_LEVEL"] = command.logLevel;
  const { app } = await loadApp(command.module, cwd);
  const logger = app.logger;
  if (command.logLevel !== undefined && logger.level !== "silent") logger.level = command.logLevel;
  // The queue lane (and BullMQ) load only now, after the app's own settings.
  const { configureQueue, describeRedis, redisClientOptions } = await import("../queue/config.js");
  if (command.redisUrl !== undefined) {
    try {
      configureQueue({ redisUrl: command.redisUrl });
    } catch (error) {
      throw usageError(`--redis-url: ${(error as Error).message}`, "worker");
    }
  }
  const redisOptions = redisClientOptions();
  if (redisOptions === undefined) {
    throw new CliError('No Redis is configured: set REDIS_URL=redis://host:6379, pass --redis-url, or give new App() `queue: { redisUrl }`');
  }
  const { TaskWorker, TaskWorkerError } = await import("../queue/task-worker.js");
  const { closeQueueConnections } = await import("../queue/connections.js");
  const { defaultThreadPool } = await import("../lanes/default-pool.js");
  const { startWatchdog } = await import("../watch/watchdog.js");
  const watchdog = command.watchdog ? startWatchdog({ logger }) : undefined;
  // While Redis is unreachable nothing else may keep the process alive (reconnect timers are
  // unref'd): the worker must wait for it, and for a signal, not exit.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let worker: RunningTaskWorker;
  try {
    worker = await TaskWorker.start({ concurrency: command.concurrency, queues: command.queues, logger });
  } catch (error) {
    clearInterval(keepAlive);
    await watchdog?.stop();
    await closeQueueConnections();
    if (error instanceof TaskWorkerError) throw new CliError(error.message);
    throw error;
  }
  const summary = worker.queues.map((q) => `${q} (${(worker.tasks.get(q) ?? []).join(", ")})`).join("; ");
  logger.info(
    { queues: worker.queues, concurrency: command.concurrency, redis: describeRedis(redisOptions) },
    `loopwise worker ready: consuming ${summary} with concurrency ${command.concurrency}`,
  );
  let exitAtOnce: ((code: number) => void) | undefined;
  const forced = new Promise<number>((resolve) => (exitAtOnce = resolve));
  const signal = await firstStopSignal((second) => {
    logger.warn(`Received ${second} again: exiting without waiting for running jobs (they will be retried)`);
    exitAtOnce?.(1);
  });
  logger.info(`Received ${signal}: no new jobs; letting running ones finish (up to ${command.graceMs / 1000} s)`);
  const drained = await Promise.race([worker.stop(command.graceMs), forced.then(() => undefined)]);
  clearInterval(keepAlive);
  if (drained === undefined) return 1;
  if (!drained) logger.warn("Graceful timeout reached: jobs still running are returned to the queue once their lock expires");
  await Promise.allSettled([defaultThreadPool().close(), closeQueueConnections(), watchdog?.stop()]);
  const { taskRunStats } = await import("../queue/metrics.js");
  for (const t of taskRunStats()) {
    logger.info(
      { task: t.task, queue: t.queue, completed: t.completed, failed: t.failed, meanMs: t.meanMs, maxMs: t.maxMs },
      `task ${t.task}: ${t.completed} completed, ${t.failed} failed, mean ${t.meanMs.toFixed(1)} ms, max ${t.maxMs.toFixed(1)} ms`,
    );
  }
  logger.info("Worker stopped");
  return 0;
}
