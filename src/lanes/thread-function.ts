import { deserialize } from "node:v8";
import { decodeError } from "./error-transport.js";
import { CALL_FUNCTION, REPLY_ERROR, REPLY_SKIPPED, REPLY_VALUE, type FunctionCall } from "./messages.js";
import { checkImportable, registeringModule } from "./module-origin.js";
import { defaultThreadPool } from "./default-pool.js";
import { registerThreadTarget } from "./registry.js";
import type { ThreadPool } from "./thread-pool.js";
import { isThreadLaneWorker } from "./worker-context.js";

/** A function registered for the thread lane, findable by the same key on every thread. */
export interface ThreadFunction<A extends unknown[], R> {
  /** How messages name it: `task resize`, `dependency currentUser`. */
  readonly name: string;
  readonly key: string;
  /** The module a worker imports to register it again. */
  readonly module: string;
  readonly fn: (...args: A) => R;
}

/** Where a registered function's module comes from, and its name. */
export interface ThreadFunctionOptions {
  /** `import.meta.url` of a module that registers the function when imported (default: the caller's module). */
  module?: string | undefined;
}

/**
 * Registers `fn` so that a pool worker can run it: the worker imports the module that called
 * this (or `options.module`), which registers the function there too, under the same key.
 * Call it at the top level of a module. Used by `task()` and by thread-lane dependencies.
 *
 * @param kind `task`, `dependency`, ...: how messages name it.
 * @throws ThreadModuleError when called from a REPL, eval or a test file.
 * @example
 * const ref = registerThreadFunction("task", (a: number, b: number) => a + b);
 * await callOnThread(ref, [1, 2]); // 3
 */
export function registerThreadFunction<A extends unknown[], R>(
  kind: string,
  fn: (...args: A) => R,
  options: ThreadFunctionOptions = {},
): ThreadFunction<A, R> {
  if (typeof fn !== "function") throw new TypeError(`${kind}: expected a function, got ${typeof fn}`);
  const name = `${kind} ${fn.name || "anonymous"}`;
  const module = options.module === undefined ? registeringModule(name) : checkImportable(options.module, name);
  const target = registerThreadTarget("function", name, module, fn);
  return { name, key: target.key, module, fn };
}

/** Options of one {@link callOnThread}. */
export interface CallOnThreadOptions {
  /** Default: the process-wide pool. */
  pool?: ThreadPool | undefined;
  /** Milliseconds, waiting included (default: the pool's). */
  timeout?: number | undefined;
}

/**
 * Runs a registered function on a pool thread with `args` (copied, as structured clone) and
 * resolves with its return value (copied back). Inside a pool worker it simply calls the
 * function: the code is already on the thread lane.
 *
 * @throws ThreadPoolBusyError (503) when the queue is full, ThreadTimeoutError (504) past the
 * timeout, ThreadCrashError when the thread died, or the function's own error (HTTPException
 * and validation errors keep their class; others arrive as ThreadLaneError).
 * @example
 * const total = await callOnThread(sumRef, [1, 2]);
 */
export async function callOnThread<A extends unknown[], R>(
  ref: ThreadFunction<A, R>,
  args: A,
  options: CallOnThreadOptions = {},
): Promise<Awaited<R>> {
  if (isThreadLaneWorker()) return await ref.fn(...args);
  const pool = options.pool ?? defaultThreadPool();
  const call: FunctionCall = [CALL_FUNCTION, pool.nextCallId(), ref.key, args];
  const reply = await pool.run(call, undefined, { what: ref.name, timeout: options.timeout });
  switch (reply[0]) {
    case REPLY_VALUE:
      return deserialize(reply[1]) as Awaited<R>;
    case REPLY_ERROR:
      throw decodeError(reply[1]);
    case REPLY_SKIPPED:
      throw new Error(`${ref.name} was cancelled before it started`);
    default:
      throw new Error(`${ref.name}: unexpected reply ${JSON.stringify(reply[0])} from the worker thread`);
  }
}
