import { availableParallelism } from "node:os";

/**
 * Settings of a thread pool: on the app (`new App({ pool })`), on a route (`{ lane: "thread",
 * pool }`: `size` or `idleTimeout` there give the route a pool of its own, a bulkhead), or on a
 * task.
 */
export interface ThreadPoolOptions {
  /** Most threads (default: the number of CPUs, at least 2). */
  size?: number;
  /** Threads kept running while idle (default: `size`, so no call waits for a thread to boot). */
  minSize?: number;
  /**
   * Calls allowed to wait for a free thread (default 1024). Beyond it a route answers 503
   * `{"detail":"Service Unavailable"}` with `Retry-After`, and `task.run()` throws that error.
   */
  queueLimit?: number;
  /**
   * Milliseconds a call may take, waiting included (default: no limit). Past it a route answers
   * 504, the handler's `AbortSignal` fires, and a thread that has not stopped `recycleAfter` ms
   * later is terminated and replaced.
   */
  timeout?: number;
  /** Threads above `minSize` stop after this many idle milliseconds (default 30000). */
  idleTimeout?: number;
  /**
   * How much lower than the main thread's the OS priority of pool threads is (Unix nice, 0-19,
   * default 12), so CPU-heavy thread-lane work cannot starve the event loop when they share a
   * core. Measured on one shared core (`npm run bench -- hol thread-overhead`, 3 rounds each):
   * at 5, `/health` p99 beside a CPU-bound thread-lane route was 8.2-8.6 ms (2.5-3.6x idle); at
   * 12, 5.2 ms (1.4x); at 19, 4.9 ms (1.9x against a lower idle), with the trivial-handler hop
   * costing a little more CPU as the threads wait longer for their turn. Only a saturated
   * machine feels it: an idle core runs a pool thread at once, whatever its nice value.
   */
  niceIncrement?: number;
  /** Grace in ms between a timeout and terminating a thread that did not stop (default 1000). */
  recycleAfter?: number;
  /**
   * Most calls one busy thread may be handed at once while every call is short (default 8; 1
   * hands one call at a time). A thread reads all it was handed in one wake-up instead of
   * sleeping and waking per call, which for microsecond handlers costs more than the handler
   * (`npm run bench -- thread-overhead`). A call is stacked only onto a thread that ended a call
   * in the last 10 ms, and not for a second after any call took 10 ms or more, so a quick call
   * rarely waits behind a slow one (only in the first milliseconds after a thread that was
   * getting through quick calls begins a slow one); calls with a timeout are never stacked.
   */
  stackLimit?: number;
}

/** {@link ThreadPoolOptions} with every default filled in. */
export interface ResolvedPoolOptions {
  readonly size: number;
  readonly minSize: number;
  readonly queueLimit: number;
  readonly timeout: number;
  readonly idleTimeout: number;
  readonly niceIncrement: number;
  readonly recycleAfter: number;
  readonly stackLimit: number;
}

function integer(name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (value === Infinity && max === Number.MAX_SAFE_INTEGER) return Infinity;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`pool.${name} must be an integer within ${min}..${max === Number.MAX_SAFE_INTEGER ? "∞" : max}, got ${value}`);
  }
  return value;
}

/**
 * Fills in the defaults and checks the ranges.
 *
 * @throws RangeError for a negative size, a fractional timeout, a nice increment above 19, ...
 * @example
 * resolvePoolOptions({ size: 4, minSize: 1 }).idleTimeout; // 30000
 */
export function resolvePoolOptions(options: ThreadPoolOptions = {}): ResolvedPoolOptions {
  const size = integer("size", options.size, Math.max(2, availableParallelism()), 1, 1024);
  const minSize = integer("minSize", options.minSize, size, 0, size);
  return {
    size,
    minSize,
    queueLimit: integer("queueLimit", options.queueLimit, 1024, 0),
    timeout: integer("timeout", options.timeout, Infinity, 1),
    idleTimeout: integer("idleTimeout", options.idleTimeout, 30_000, 0),
    niceIncrement: integer("niceIncrement", options.niceIncrement, 12, 0, 19),
    recycleAfter: integer("recycleAfter", options.recycleAfter, 1000, 0, 600_000),
    stackLimit: integer("stackLimit", options.stackLimit, 8, 1, 64),
  };
}
