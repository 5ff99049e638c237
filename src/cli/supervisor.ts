import cluster, { type Worker } from "node:cluster";
import type { Logger } from "../logging.js";
import { CliError } from "./cli-error.js";
import { DEFAULT_BACKOFF, RestartBackoff, type BackoffSettings } from "./restart-backoff.js";
import { WORKER_CONFIG_ENV, isWorkerMessage, type FatalMessage, type ReadyMessage, type WorkerConfig } from "./worker-protocol.js";
import process from "node:process";

/** Settings of a {@link Supervisor}. */
export interface SupervisorOptions {
  workers: number;
  config: WorkerConfig;
  logger: Logger;
  /** Absolute path of the worker entry module (`cluster-worker.ts` / `.js`). */
  workerEntry: string;
  backoff?: BackoffSettings;
}

/** One worker process, from fork to exit. */
interface WorkerHandle {
  readonly slot: number;
  readonly worker: Worker;
  readonly pid: number;
  readyAt: number | undefined;
  fatal: FatalMessage | undefined;
  /** Asked to stop by a roll: its exit is expected. */
  retiring: boolean;
  /** Resolves when it serves; rejects with a {@link WorkerStartFailure} if it exits first. */
  readonly ready: Promise<ReadyMessage>;
  readonly exited: Promise<void>;
}

/** A worker that exited before it was ready. */
class WorkerStartFailure extends Error {
  readonly fatal: FatalMessage | undefined;

  constructor(handle: WorkerHandle, code: number | null, signal: string | null) {
    super(handle.fatal?.message ?? `worker ${handle.slot} (pid ${handle.pid}) ${describeExit(code, signal)} before it was ready`);
    this.fatal = handle.fatal;
  }
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/** Time a stopping worker gets beyond the graceful timeout before it is killed. */
const KILL_MARGIN_MS = 5000;
/** How long to wait for a dead worker's last IPC messages (its startup error) after it exited. */
const LAST_MESSAGES_MS = 1000;

/**
 * The primary of `loopwise serve --workers N`: forks N cluster workers sharing one port, replaces
 * a worker that dies (with {@link RestartBackoff}), drains all of them on SIGTERM/SIGINT, and on
 * SIGHUP replaces them one at a time, each new worker serving before its predecessor is asked to
 * stop, so no request is dropped and new code on disk is picked up.
 *
 * @example
 * const code = await new Supervisor({ workers: 4, config, logger, workerEntry }).run();
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #logger: Logger;
  /** The serving worker of each slot (1..N). */
  readonly #current = new Map<number, WorkerHandle>();
  /** Every live worker: serving, starting, or stopping. */
  readonly #live = new Set<WorkerHandle>();
  readonly #restartTimers = new Map<number, NodeJS.Timeout>();
  readonly #backoff = new Map<number, RestartBackoff>();
  #phase: "starting" | "running" | "stopping" = "starting";
  #rolling = false;
  #forced = false;
  #finish: (code: number) => void = () => {};
  readonly #done: Promise<number>;
  readonly #onSignal = (signal: NodeJS.Signals) => this.#handleSignal(signal);

  constructor(options: SupervisorOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
    this.#options = options;
    this.#logger = options.logger;
    if (options.config.settings.port === 0) {
      // Each listen(0) would be a new random port once the first worker's handle is gone.
      throw new RangeError("the Supervisor needs a fixed port: resolve port 0 with freePort() first");
    }
    this.#done = new Promise((resolve) => (this.#finish = resolve));
  }

  /** Pids of the serving workers, by slot. */
  get pids(): number[] {
    return [...this.#current.values()].map((handle) => handle.pid);
  }

  /**
   * Starts the workers and resolves with the process exit code once they have all stopped.
   * Rejects with a {@link CliError} when the workers cannot start (the first one's error).
   */
  async run(): Promise<number> {
    const { workers, workerEntry } = this.#options;
    cluster.setupPrimary({ exec: workerEntry, args: [] });
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, this.#onSignal);
    this.#logger.info({ workers, primaryPid: process.pid }, `Starting ${workers} workers (primary pid ${process.pid})`);
    const starting = Array.from({ length: workers }, (_, i) => {
      const handle = this.#fork(i + 1);
      this.#current.set(handle.slot, handle);
      return handle;
    });
    try {
      let ready: ReadyMessage[];
      try {
        ready = await Promise.all(starting.map((handle) => handle.ready));
      } catch (error) {
        // Stopped by a signal while starting: not a failure.
        if (this.#phase === "stopping") return await this.#done;
        this.#stop("A worker could not start");
        await this.#done;
        const fatal = (error as WorkerStartFailure).fatal;
        throw new CliError((error as Error).message, fatal?.exitCode ?? 1, fatal?.detail === undefined ? {} : { detail: fatal.detail });
      }
      if (this.#phase === "starting") {
        this.#phase = "running";
        const first = ready[0]!;
        this.#logger.info(
          { url: first.url, workers, pids: this.pids },
          `loopwise serving ${first.title} on ${first.url} with ${workers} workers (pids ${this.pids.join(", ")})`,
        );
      }
      return await this.#done;
    } finally {
      this.#removeSignalHandlers();
    }
  }

  #removeSignalHandlers(): void {
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.off(signal, this.#onSignal);
  }

  #handleSignal(signal: NodeJS.Signals): void {
    if (signal === "SIGHUP") {
      void this.#roll();
      return;
    }
    if (this.#phase !== "stopping") {
      this.#stop(`Received ${signal}`);
      return;
    }
    this.#logger.warn(`Received ${signal} again: killing ${this.#live.size} worker(s) without waiting`);
    this.#killAll();
  }

  #fork(slot: number): WorkerHandle {
    const worker = cluster.fork({ [WORKER_CONFIG_ENV]: JSON.stringify(this.#options.config), LOOPWISE_WORKER_SLOT: String(slot) });
    let resolveReady!: (message: ReadyMessage) => void;
    let rejectReady!: (error: Error) => void;
    let resolveExited!: () => void;
    const ready = new Promise<ReadyMessage>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    // Not every caller awaits `ready`; a worker that dies early is handled by the exit path.
    ready.catch(() => {});
    const handle: WorkerHandle = {
      slot,
      worker,
      pid: worker.process.pid ?? -1,
      readyAt: undefined,
      fatal: undefined,
      retiring: false,
      ready,
      exited: new Promise<void>((resolve) => (resolveExited = resolve)),
    };
    this.#live.add(handle);
    worker.on("message", (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.type === "loopwise:fatal") {
        handle.fatal = message;
        return;
      }
      handle.readyAt = Date.now();
      this.#logger.debug({ slot, pid: handle.pid }, `Worker ${slot} (pid ${handle.pid}) ready`);
      resolveReady(message);
    });
    worker.on("error", (error) => this.#logger.warn({ err: error, slot, pid: handle.pid }, `Worker ${slot} (pid ${handle.pid}): ${error.message}`));
    worker.once("exit", (code, signal) => {
      const settle = () => {
        this.#live.delete(handle);
        rejectReady(new WorkerStartFailure(handle, code, signal));
        resolveExited();
        this.#onExit(handle, code, signal);
      };
      // The worker's last messages (its startup error) may still be in the IPC pipe.
      if (!worker.isConnected()) return settle();
      const timer = setTimeout(settle, LAST_MESSAGES_MS);
      worker.once("disconnect", () => {
        clearTimeout(timer);
        settle();
      });
    });
    return handle;
  }

  #onExit(handle: WorkerHandle, code: number | null, signal: string | null): void {
    const wasServing = this.#current.get(handle.slot) === handle;
    if (wasServing) this.#current.delete(handle.slot);
    if (this.#phase === "stopping") {
      if (this.#live.size === 0) {
        this.#logger.info(this.#forced ? "All workers stopped (some were killed)" : "All workers stopped");
        this.#finish(this.#forced ? 1 : 0);
      }
      return;
    }
    // During startup the run() path reports; a retiring or not-yet-serving worker belongs to a roll.
    if (this.#phase === "starting" || handle.retiring || !wasServing) return;
    let backoff = this.#backoff.get(handle.slot);
    if (backoff === undefined) this.#backoff.set(handle.slot, (backoff = new RestartBackoff(this.#options.backoff ?? DEFAULT_BACKOFF)));
    const delay = backoff.next(handle.readyAt === undefined ? undefined : Date.now() - handle.readyAt);
    const why = handle.fatal ? `: ${handle.fatal.message}` : "";
    this.#logger.warn(
      { slot: handle.slot, pid: handle.pid, code, signal, delayMs: delay },
      `Worker ${handle.slot} (pid ${handle.pid}) ${describeExit(code, signal)}${why}; starting a replacement in ${delay} ms`,
    );
    this.#restartTimers.set(
      handle.slot,
      setTimeout(() => {
        this.#restartTimers.delete(handle.slot);
        if (this.#phase !== "running") return;
        const replacement = this.#fork(handle.slot);
        this.#current.set(handle.slot, replacement);
        replacement.ready.then(
          () => this.#logger.info({ slot: handle.slot, pid: replacement.pid }, `Worker ${handle.slot} replaced: pid ${handle.pid} → ${replacement.pid}`),
          () => {},
        );
      }, delay),
    );
  }

  /** Asks a worker to drain and exit; a worker that cannot hear it gets SIGTERM. */
  #askToStop(handle: WorkerHandle): void {
    try {
      if (handle.worker.isConnected()) {
        handle.worker.send({ type: "loopwise:shutdown" });
        return;
      }
    } catch {
      // The channel closed between the check and the send: fall through to the signal.
    }
    handle.worker.process.kill("SIGTERM");
  }

  #stop(reason: string): void {
    this.#phase = "stopping";
    for (const timer of this.#restartTimers.values()) clearTimeout(timer);
    this.#restartTimers.clear();
    if (this.#live.size === 0) {
      this.#finish(0);
      return;
    }
    this.#logger.info({ reason, workers: this.#live.size }, `${reason}: draining ${this.#live.size} worker(s)`);
    for (const handle of this.#live) this.#askToStop(handle);
    const grace = this.#options.config.settings.gracefulTimeoutMs + KILL_MARGIN_MS;
    setTimeout(() => {
      if (this.#live.size === 0) return;
      this.#logger.error(`${this.#live.size} worker(s) still running ${grace} ms after shutdown began: killing them`);
      this.#killAll();
    }, grace).unref();
  }

  #killAll(): void {
    this.#forced = true;
    for (const handle of this.#live) handle.worker.process.kill("SIGKILL");
  }

  async #roll(): Promise<void> {
    if (this.#phase !== "running") {
      this.#logger.warn(`Received SIGHUP while ${this.#phase}: ignored`);
      return;
    }
    if (this.#rolling) {
      this.#logger.warn("Received SIGHUP during a roll: ignored");
      return;
    }
    this.#rolling = true;
    const slots = [...this.#current.keys()].sort((a, b) => a - b);
    this.#logger.info({ workers: slots.length }, `Received SIGHUP: replacing ${slots.length} workers one at a time`);
    try {
      for (const slot of slots) {
        if (this.#phase !== "running") return;
        const incoming = this.#fork(slot);
        try {
          await incoming.ready;
        } catch (error) {
          this.#logger.error({ slot }, `Roll stopped: the new worker ${slot} did not start (${(error as Error).message}); the running workers keep serving`);
          return;
        }
        if (this.#phase !== "running") return;
        // The slot's worker may have died and been replaced meanwhile: retire whichever serves now.
        clearTimeout(this.#restartTimers.get(slot));
        this.#restartTimers.delete(slot);
        const outgoing = this.#current.get(slot);
        this.#current.set(slot, incoming);
        if (outgoing !== undefined) await this.#retire(outgoing);
        this.#logger.info({ slot, pid: incoming.pid }, `Worker ${slot} rolled: pid ${outgoing?.pid ?? "-"} → ${incoming.pid}`);
      }
      this.#logger.info({ pids: this.pids }, `Roll complete: ${slots.length} workers replaced (pids ${this.pids.join(", ")})`);
    } finally {
      this.#rolling = false;
    }
  }

  async #retire(handle: WorkerHandle): Promise<void> {
    handle.retiring = true;
    this.#askToStop(handle);
    const grace = this.#options.config.settings.gracefulTimeoutMs + KILL_MARGIN_MS;
    const timer = setTimeout(() => handle.worker.process.kill("SIGKILL"), grace);
    await handle.exited;
    clearTimeout(timer);
  }
}
