/**
 * The per-thread table of thread-lane code. The main thread and every pool worker fill it the
 * same way, by running the same module code: a route or task registered as the n-th `name` in
 * module M gets the key `name @ M` (`#n` when n > 0) on every thread. A call crosses threads
 * as that key; the worker imports M (which registers everything again there) and looks it up.
 *
 * The table lives on `globalThis` under a registered symbol so that two copies of loopwise in one
 * thread (e.g. one loaded by a CommonJS require and one by import) still share it.
 */

/** What the table can hold: a route (`kind: "route"`) or a function (task, dependency). */
export interface ThreadTarget {
  readonly kind: "route" | "function";
  readonly key: string;
  readonly moduleUrl: string;
  readonly value: unknown;
}

interface Table {
  readonly byKey: Map<string, ThreadTarget>;
  readonly counts: Map<string, number>;
  /** The first TypeScript module registered: workers then need a TypeScript loader. */
  typeScriptModule: string | undefined;
}

const TABLE = Symbol.for("loopwise.lanes.registry");
const TYPESCRIPT_MODULE = /\.(?:[cm]?ts|tsx)$/;

function table(): Table {
  const holder = globalThis as { [TABLE]?: Table };
  return (holder[TABLE] ??= { byKey: new Map(), counts: new Map(), typeScriptModule: undefined });
}

/**
 * Registers thread-lane code under a key that is the same on every thread.
 *
 * @example
 * const target = registerThreadTarget("function", "task resize", import.meta.url, resize);
 * target.key; // "task resize @ file:///app/tasks.ts"
 */
export function registerThreadTarget(kind: ThreadTarget["kind"], name: string, moduleUrl: string, value: unknown): ThreadTarget {
  const registry = table();
  const { byKey, counts } = registry;
  if (registry.typeScriptModule === undefined && TYPESCRIPT_MODULE.test(new URL(moduleUrl).pathname)) registry.typeScriptModule = moduleUrl;
  const base = `${name} @ ${moduleUrl}`;
  const n = counts.get(base) ?? 0;
  counts.set(base, n + 1);
  const key = n === 0 ? base : `${base} #${n}`;
  const target: ThreadTarget = { kind, key, moduleUrl, value };
  byKey.set(key, target);
  return target;
}

/** A TypeScript module holding thread-lane code, if any was registered on this thread. */
export function typeScriptModuleRegistered(): string | undefined {
  return table().typeScriptModule;
}

/** The target registered under `key` on this thread, if its module has been imported here. */
export function findThreadTarget(key: string): ThreadTarget | undefined {
  return table().byKey.get(key);
}
