import type { Logger } from "../logging.js";
import type { Route } from "../routing/route.js";
import { holdDefaultThreadPool, releaseDefaultThreadPool, defaultThreadPool } from "./default-pool.js";
import { ThreadModuleError, checkImportable, registeringModule } from "./module-origin.js";
import { CALL_PROBE, REPLY_PROBE, type ProbeCall } from "./messages.js";
import type { ThreadPoolOptions } from "./pool-options.js";
import { registerThreadTarget } from "./registry.js";
import { ThreadPool } from "./thread-pool.js";
import { threadRouteInvoker } from "./thread-route.js";
import { isThreadLaneWorker } from "./worker-context.js";

/** What an app says about its thread lane (from `AppOptions`). */
export interface AppLaneSettings {
  /** Options of a pool of the app's own, or a pool to share; default: the process-wide pool. */
  pool: ThreadPoolOptions | ThreadPool | undefined;
  /** `import.meta.url` of the module that registers the app's thread-lane routes when imported. */
  module: string | undefined;
}

/** Route options that call for a pool of the route's own rather than a share of the app's. */
const OWN_POOL_KEYS = ["size", "minSize", "idleTimeout", "niceIncrement", "stackLimit"] as const;

/**
 * An app's thread lane: registers its thread-lane routes (so workers can find them), gives each
 * its invoker, starts the pools at startup (checking that a worker can import every route's
 * module, so a mistake fails the start rather than the first request), and closes them at
 * shutdown.
 */
export class AppLanes {
  readonly #logger: Logger;
  readonly #settings: AppLaneSettings;
  #pool: ThreadPool | undefined;
  #holdsDefault = false;
  readonly #ownPools: ThreadPool[] = [];
  readonly #targets = new Map<ThreadPool | "app", string[]>();

  constructor(logger: Logger, settings: AppLaneSettings) {
    this.#logger = logger;
    this.#settings = settings;
  }

  /** The app's pool (made on first use). */
  get pool(): ThreadPool {
    if (this.#pool && !this.#pool.closed) return this.#pool;
    const setting = this.#settings.pool;
    if (setting instanceof ThreadPool) this.#pool = setting;
    else if (setting !== undefined) this.#pool = this.#ownPool(setting);
    else this.#pool = defaultThreadPool();
    return this.#pool;
  }

  /** Registers a `lane: "thread"` route. In a pool worker, registration is all there is to do. */
  addRoute(route: Route): void {
    const what = `${route.label} (lane "thread")`;
    const module = this.#settings.module === undefined ? registeringModule(what) : checkImportable(this.#settings.module, what);
    const target = registerThreadTarget("route", route.label, module, route);
    if (isThreadLaneWorker()) return;
    const options = route.options.pool ?? {};
    let pool: () => ThreadPool;
    let group: ThreadPool | "app";
    if (OWN_POOL_KEYS.some((key) => options[key] !== undefined)) {
      const own = this.#ownPool({ ...this.#baseOptions(), ...options });
      pool = () => own;
      group = own;
    } else {
      pool = () => this.pool;
      group = "app";
    }
    const list = this.#targets.get(group) ?? [];
    list.push(target.key);
    this.#targets.set(group, list);
    route.setInvoker(threadRouteInvoker(route, target, pool, { timeout: options.timeout, queueLimit: options.queueLimit }, this.#logger));
  }

  /**
   * Starts the pools of the app's thread-lane routes and has one thread of each import the
   * routes' modules, so that a module a worker cannot load fails the app's start.
   */
  async start(): Promise<void> {
    if (this.#targets.size === 0 || isThreadLaneWorker()) return;
    const checks: Promise<void>[] = [];
    for (const [group, targets] of this.#targets) {
      let pool: ThreadPool;
      if (group !== "app") pool = group;
      else if (this.#settings.pool === undefined) {
        if (!this.#holdsDefault) {
          this.#holdsDefault = true;
          holdDefaultThreadPool();
        }
        pool = this.pool;
      } else pool = this.pool;
      checks.push(probe(pool, targets));
    }
    await Promise.all(checks);
  }

  /** Closes the pools this app made; releases the shared default pool. */
  async close(): Promise<void> {
    const closing = this.#ownPools.map((pool) => pool.close());
    if (this.#holdsDefault) {
      this.#holdsDefault = false;
      closing.push(releaseDefaultThreadPool());
    }
    await Promise.all(closing);
  }

  #baseOptions(): ThreadPoolOptions {
    const setting = this.#settings.pool;
    if (setting instanceof ThreadPool) return { ...setting.options };
    return setting ?? {};
  }

  #ownPool(options: ThreadPoolOptions): ThreadPool {
    const pool = new ThreadPool(options, { onError: (error) => this.#logger.error({ err: error }, "Thread pool error") });
    this.#ownPools.push(pool);
    return pool;
  }
}

/** One check per warm thread (each thread runs one call at a time), so all of them have loaded the app. */
async function probe(pool: ThreadPool, targets: string[]): Promise<void> {
  const checks = Array.from({ length: Math.max(1, pool.options.minSize) }, () => probeOne(pool, targets));
  await Promise.all(checks);
}

async function probeOne(pool: ThreadPool, keys: string[]): Promise<void> {
  const call: ProbeCall = [CALL_PROBE, pool.nextCallId(), keys];
  const reply = await pool.run(call, undefined, { what: "the thread lane's startup check", timeout: undefined });
  if (reply[0] !== REPLY_PROBE) throw new Error(`Thread lane startup check: unexpected reply ${JSON.stringify(reply)}`);
  const [, missing, failed] = reply;
  if (failed.length > 0) {
    throw new ThreadModuleError(`A worker thread could not import the app's module:\n${failed.join("\n")}`);
  }
  if (missing.length > 0) {
    throw new ThreadModuleError(
      `A worker thread imported the app's module but did not find: ${missing.join(", ")}. Thread-lane routes must be ` +
        `registered when their module is imported (at its top level, not inside a function called later or only on the main ` +
        `thread); otherwise pass \`module: import.meta.url\` to new App() naming a module that registers them on import.`,
    );
  }
}
