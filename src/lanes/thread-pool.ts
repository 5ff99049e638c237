import { randomUUID } from "node:crypto";
import { BroadcastChannel, type Transferable } from "node:worker_threads";
import { Piscina } from "piscina";
import { isTypeScriptModule, siblingModuleUrl, workerExecArgv } from "../util/worker-url.js";
import { CallClock } from "./call-clock.js";
import { CallStacking } from "./call-stacking.js";
import { ThreadCrashError, ThreadPoolBusyError, ThreadTimeoutError } from "./lane-errors.js";
import { REPLY_SIDE, isSideMessage, type Call, type Reply, type SideMessage } from "./messages.js";
import { resolvePoolOptions, type ResolvedPoolOptions, type ThreadPoolOptions } from "./pool-options.js";
import { typeScriptModuleRegistered } from "./registry.js";
import { POOL_WORKER_MARK, type PoolWorkerData } from "./worker-context.js";
import { releaseThreadLanesOf, threadLaneSource } from "../watch/pool-lanes.js";
import process from "node:process";

/** Slots of the shared cancellation table (a power of two: a call's slot is `id & (SLOTS - 1)`). */
const CANCEL_SLOTS = 4096;

/** Percentiles of a time distribution, in milliseconds. */
export interface TimeSummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** A snapshot of a pool, from {@link ThreadPool.stats}. */
export interface ThreadPoolStats {
  /** Most threads the pool may run. */
  readonly size: number;
  /** Threads running now (idle ones above `minSize` stop after `idleTimeout`). */
  readonly threads: number;
  /** Calls running on a thread. */
  readonly busy: number;
  /** Calls waiting for a free thread. */
  readonly queued: number;
  /** Calls finished since the pool started. */
  readonly completed: number;
  /** Time calls ran on a thread. */
  readonly runTime: TimeSummary;
  /** Time calls waited in the queue. */
  readonly waitTime: TimeSummary;
  /** Share of the pool's capacity used since it started, 0..1. */
  readonly utilization: number;
}

/** How one call is run: its name for errors, its timeout, and where a side-channel response goes. */
export interface RunControl {
  /** Names the call in errors and logs: `GET /report`, `task resize`. */
  readonly what: string;
  /** Overrides the pool's timeout (ms). */
  readonly timeout?: number | undefined;
  /** Called when the worker sends the response ahead of the call's end (streams, background jobs). */
  readonly onSide?: ((message: SideMessage) => void) | undefined;
}

const EMPTY_SUMMARY: TimeSummary = Object.freeze({ p50: 0, p90: 0, p99: 0, max: 0, mean: 0 });

function summary(histogram: { p50: number; p90: number; p99: number; max: number; mean: number } | undefined): TimeSummary {
  if (!histogram || !Number.isFinite(histogram.max)) return EMPTY_SUMMARY;
  return { p50: histogram.p50, p90: histogram.p90, p99: histogram.p99, max: histogram.max, mean: histogram.mean };
}

/**
 * A pool of worker threads for thread-lane code (piscina underneath). Threads start on first use
 * or with {@link start}; each imports the modules that registered the code it is asked to run.
 * Calls beyond `size + queueLimit` are refused with a 503 error, a call past its timeout gets a
 * 504 error and its thread is replaced if it does not stop, and a thread that dies fails only its
 * own call.
 *
 * @example
 * import { App, ThreadPool } from "loopwise";
 * const pool = new ThreadPool({ size: 4, queueLimit: 100, timeout: 10_000 });
 * const app = new App({ pool });
 * console.log(app.pool.stats()); // { size: 4, threads: 2, busy: 0, queued: 0, ... }
 */
export class ThreadPool {
  readonly options: ResolvedPoolOptions;
  #piscina: Piscina | undefined;
  #closed = false;
  #nextId = 0;
  #inFlight = 0;
  readonly #cancelled = new Int32Array(new SharedArrayBuffer(CANCEL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  readonly #channelName = `loopwise.lanes.${randomUUID()}`;
  #channel: BroadcastChannel | undefined;
  readonly #sideWaiters = new Map<number, (message: SideMessage) => void>();
  readonly #onError: (error: unknown) => void;
  /** Where threads say whether their calls are short, for {@link CallStacking}. */
  readonly #callClock: SharedArrayBuffer;
  readonly #stacking: CallStacking;

  constructor(options: ThreadPoolOptions = {}, hooks: { onError?: (error: unknown) => void } = {}) {
    this.options = resolvePoolOptions(options);
    this.#callClock = CallClock.allocate(this.options.size);
    this.#stacking = new CallStacking(this.options.stackLimit, this.#callClock);
    this.#onError = hooks.onError ?? ((error) => console.error("loopwise thread pool:", error));
  }

  /** Whether the threads have been started (and the pool not closed). */
  get started(): boolean {
    return this.#piscina !== undefined && !this.#closed;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Starts the threads (`minSize` of them) now rather than on the first call. */
  start(): void {
    this.#start();
  }

  #start(): Piscina {
    if (this.#closed) throw new Error("The thread pool is closed");
    if (this.#piscina) return this.#piscina;
    const entry = siblingModuleUrl(import.meta.url, "worker-entry");
    const typeScript = isTypeScriptModule(entry) ? entry : typeScriptModuleRegistered();
    const execArgv = typeScript === undefined ? undefined : workerExecArgv(new URL(typeScript));
    const workerData: PoolWorkerData = {
      [POOL_WORKER_MARK]: true,
      abortChannel: this.#channelName,
      cancelled: this.#cancelled,
      callClock: this.#callClock,
      // Each thread claims a heartbeat lane of the watchdog running now, freed when the thread is destroyed.
      watchdogLanes: threadLaneSource(),
    };
    const { size, minSize, idleTimeout, niceIncrement } = this.options;
    const piscina = new Piscina({
      filename: entry.href,
      maxThreads: size,
      minThreads: minSize,
      idleTimeout,
      niceIncrement,
      concurrentTasksPerWorker: this.#stacking.limit,
      loadBalancer: (task, threads) => this.#stacking.balance(task, threads),
      workerData,
      // Only when a TypeScript loader must be added: otherwise threads inherit the process's flags.
      ...(execArgv && execArgv.length !== process.execArgv.length ? { execArgv } : {}),
    });
    piscina.on("message", (message: unknown) => this.#onSideMessage(message));
    // A thread that dies with no call running (e.g. a timer that throws after its handler
    // returned) is replaced; say so instead of letting the event crash the process.
    piscina.on("error", (error: unknown) => this.#onError(error));
    piscina.on("workerDestroy", (worker: { id: number }) => {
      releaseThreadLanesOf(worker.id);
      this.#stacking.released(worker.id);
    });
    this.#channel = new BroadcastChannel(this.#channelName);
    this.#channel.unref();
    this.#piscina = piscina;
    return piscina;
  }

  /** A fresh call id for {@link run} and {@link cancel}. */
  nextCallId(): number {
    this.#nextId = this.#nextId >= 0x7fffffff ? 1 : this.#nextId + 1;
    return this.#nextId;
  }

  /**
   * Runs a call on a thread. Rejects with {@link ThreadPoolBusyError} when the queue is full,
   * {@link ThreadTimeoutError} past the timeout, {@link ThreadCrashError} when the thread died.
   */
  run(call: Call, transfer: readonly Transferable[] | undefined, control: RunControl): Promise<Reply> {
    if (this.#closed) return Promise.reject(new Error(`${control.what}: the thread pool is closed`));
    const piscina = this.#piscina ?? this.#start();
    const { size, queueLimit } = this.options;
    if (this.#inFlight >= size + queueLimit) return Promise.reject(new ThreadPoolBusyError(control.what));
    this.#inFlight++;
    const id = call[1];
    const timeout = control.timeout ?? this.options.timeout;
    if (timeout === Infinity) {
      if (control.onSide) this.#sideWaiters.set(id, control.onSide);
      return piscina.run(call, transfer ? { transferList: transfer as never } : undefined).then(
        (reply: Reply) => {
          this.#settle(id, reply);
          return reply;
        },
        (error: unknown) => {
          this.#settle(id);
          throw this.#failure(control.what, error);
        },
      );
    }
    return this.#runWithTimeout(piscina, call, transfer, control, timeout);
  }

  #runWithTimeout(piscina: Piscina, call: Call, transfer: readonly Transferable[] | undefined, control: RunControl, timeout: number): Promise<Reply> {
    const id = call[1];
    // Settles once: a timeout rejects at once; a late outcome after it is dropped.
    return new Promise<Reply>((resolve, reject) => {
      const recycle = new AbortController();
      let recycleTimer: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        this.#sideWaiters.delete(id);
        this.cancel(id);
        reject(new ThreadTimeoutError(control.what, timeout));
        // Cooperative first: the handler's signal has fired. A thread still busy after the grace
        // period (a blocking call cannot notice the signal) is terminated and replaced.
        recycleTimer = setTimeout(() => recycle.abort(), this.options.recycleAfter);
      }, timeout);
      const onSide = control.onSide;
      if (onSide) {
        this.#sideWaiters.set(id, (message) => {
          // The response has started: the timeout no longer applies to the rest of a stream.
          clearTimeout(timer);
          onSide(message);
        });
      }
      piscina.run(call, { transferList: transfer as never, signal: recycle.signal }).then(
        (reply: Reply) => {
          clearTimeout(timer);
          clearTimeout(recycleTimer);
          this.#settle(id, reply);
          resolve(reply);
        },
        (error: unknown) => {
          clearTimeout(timer);
          clearTimeout(recycleTimer);
          this.#settle(id);
          if (recycle.signal.aborted) {
            this.#onError(new Error(`${control.what} did not stop ${this.options.recycleAfter} ms after its timeout: its thread was terminated and replaced`));
          }
          reject(this.#failure(control.what, error));
        },
      );
    });
  }

  #settle(id: number, reply?: Reply): void {
    this.#inFlight--;
    // A "side" reply may overtake its side message (they travel on different ports): keep waiting.
    if (reply?.[0] !== REPLY_SIDE) this.#sideWaiters.delete(id);
  }

  #failure(what: string, error: unknown): Error {
    if (this.#closed) return new Error(`${what}: the thread pool was closed while it ran`, { cause: error });
    if (error instanceof Error && error.name === "DataCloneError") {
      // A task's arguments, or a thread-lane route's dependency values: structured clone refused them.
      return new TypeError(`${what}: its input cannot be sent to a worker thread (${error.message}); pass plain data`, { cause: error });
    }
    return new ThreadCrashError(what, error);
  }

  #onSideMessage(message: unknown): void {
    if (!isSideMessage(message)) return;
    const waiter = this.#sideWaiters.get(message.loopwiseSide);
    if (waiter) {
      this.#sideWaiters.delete(message.loopwiseSide);
      waiter(message);
    } else {
      // Nobody waits any more (timed out): tell a streaming worker to stop.
      message.port?.postMessage({ cancel: true });
      message.port?.close();
    }
  }

  /**
   * Marks a call cancelled: a call still queued is skipped when its turn comes, a running one
   * sees its handler's `AbortSignal` fire (cooperative: blocking code cannot notice).
   */
  cancel(id: number): void {
    Atomics.store(this.#cancelled, id & (CANCEL_SLOTS - 1), id);
    this.#channel?.postMessage(id);
  }

  /**
   * Size, busy threads, queue depth and run/wait time percentiles.
   *
   * @example
   * const { busy, queued, waitTime } = app.pool.stats();
   */
  stats(): ThreadPoolStats {
    const piscina = this.#piscina;
    const threads = piscina && !this.#closed ? piscina.threads.length : 0;
    // Calls stacked onto a busy thread wait too, though piscina counts them as handed out.
    const queued = piscina && !this.#closed ? Math.max(piscina.queueSize, this.#inFlight - threads) : 0;
    const busy = Math.max(0, Math.min(threads, this.#inFlight - queued));
    const histogram = piscina?.histogram;
    return {
      size: this.options.size,
      threads,
      busy,
      queued,
      completed: piscina?.completed ?? 0,
      runTime: summary(histogram?.runTime),
      waitTime: summary(histogram?.waitTime),
      utilization: piscina ? piscina.utilization : 0,
    };
  }

  /** Terminates the threads; calls still running fail. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel?.close();
    this.#channel = undefined;
    const piscina = this.#piscina;
    this.#piscina = undefined;
    if (piscina) await piscina.destroy();
  }
}
