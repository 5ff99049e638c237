import { ThreadPool } from "./thread-pool.js";
import type { ThreadPoolOptions } from "./pool-options.js";

let options: ThreadPoolOptions = {};
let pool: ThreadPool | undefined;
let holders = 0;

/**
 * The process-wide pool: used by tasks, thread-lane dependencies, and apps created without their
 * own `pool`. Made on first use; closed when the last app that started with it shuts down (and
 * made again if used after that). Its idle threads never keep the process alive.
 *
 * @example
 * import { defaultThreadPool } from "loopwise";
 * console.log(defaultThreadPool().stats().busy);
 */
export function defaultThreadPool(): ThreadPool {
  if (pool === undefined || pool.closed) pool = new ThreadPool(options);
  return pool;
}

/**
 * Sets the options of the process-wide pool. Call it before anything uses the pool (at the top
 * of your app module).
 *
 * @throws Error when the default pool has already started threads.
 * @example
 * configureDefaultThreadPool({ size: 8, queueLimit: 200 });
 */
export function configureDefaultThreadPool(next: ThreadPoolOptions): void {
  if (pool?.started) throw new Error("configureDefaultThreadPool() must be called before the default pool is used");
  options = { ...next };
  pool = undefined;
}

/** @internal An app that runs on the default pool started: keep the pool until it releases it. */
export function holdDefaultThreadPool(): ThreadPool {
  holders++;
  return defaultThreadPool();
}

/** @internal An app that held the default pool shut down; the last one closes it. */
export async function releaseDefaultThreadPool(): Promise<void> {
  holders = Math.max(0, holders - 1);
  if (holders > 0 || pool === undefined) return;
  const closing = pool;
  pool = undefined;
  await closing.close();
}
