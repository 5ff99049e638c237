import { HTTPException } from "../errors/http-exception.js";

/**
 * The pool's queue is full: answered as 503 `{"detail":"Service Unavailable"}` with
 * `Retry-After`, from a thread-lane route or from any handler awaiting `task.run()`.
 *
 * @example
 * try {
 *   return await render.run(spec);
 * } catch (error) {
 *   if (error instanceof ThreadPoolBusyError) return cachedRender(spec); // degrade instead of a 503
 *   throw error;
 * }
 */
export class ThreadPoolBusyError extends HTTPException {
  constructor(readonly what: string) {
    super(503, "Service Unavailable", { "retry-after": "1" });
    this.name = "ThreadPoolBusyError";
    this.message = `${what}: the thread pool's queue is full`;
  }
}

/**
 * A thread-lane call took longer than its timeout: answered as 504 with a body that says so.
 *
 * @example
 * app.get("/pdf", { lane: "thread", pool: { timeout: 5000 } }, renderPdf); // 504 after 5 s
 */
export class ThreadTimeoutError extends HTTPException {
  constructor(readonly what: string, readonly timeoutMs: number) {
    super(504, `Timed out: the request did not finish within ${timeoutMs} ms`);
    this.name = "ThreadTimeoutError";
    this.message = `${what} did not finish within its ${timeoutMs} ms timeout on the thread lane`;
  }
}

/**
 * The worker thread running a call crashed (an uncaught error, `process.exit`, running out of
 * memory). Only that call fails (a 500 for a route); the pool replaces the thread.
 *
 * @example
 * await flaky.run().catch((error) => {
 *   if (error instanceof ThreadCrashError) return flaky.run(); // a fresh thread
 *   throw error;
 * });
 */
export class ThreadCrashError extends Error {
  constructor(what: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${what}: the worker thread running it died (${reason}); the call failed and the thread was replaced`, { cause });
    this.name = "ThreadCrashError";
  }
}

/**
 * An error thrown by thread-lane code, rebuilt on the calling thread with the original name,
 * message and stack (its class does not cross threads).
 *
 * @example
 * catch (error) {
 *   if (error instanceof ThreadLaneError && error.originalName === "ParseError") throw new HTTPException(400, error.message);
 * }
 */
export class ThreadLaneError extends Error {
  /** The `name` of the error thrown in the worker (`TypeError`, `MyError`, ...). */
  readonly originalName: string;
  constructor(originalName: string, message: string, stack: string | undefined) {
    super(message);
    this.name = `ThreadLaneError(${originalName})`;
    this.originalName = originalName;
    if (stack !== undefined) this.stack = `${this.name}: ${message}\n${stack.slice(stack.indexOf("\n") + 1)}`;
  }
}
