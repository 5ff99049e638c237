import { findThreadTarget, type ThreadTarget } from "./registry.js";

/** Modules this worker imported (or is importing), so each is imported once per thread. */
const imports = new Map<string, Promise<unknown>>();

/** Imports a module into this worker thread once; later calls share the first import. */
export function importOnce(moduleUrl: string): Promise<unknown> {
  let loading = imports.get(moduleUrl);
  if (loading === undefined) {
    loading = import(moduleUrl);
    imports.set(moduleUrl, loading);
  }
  return loading;
}

/**
 * The thread-lane route or function registered under `key`, importing `moduleUrl` first if this
 * thread has not yet. Throws an error that says what to do when the module fails to import or
 * does not register the key when imported.
 */
export async function resolveTarget(key: string, moduleUrl: string): Promise<ThreadTarget> {
  const known = findThreadTarget(key);
  if (known) return known;
  try {
    await importOnce(moduleUrl);
  } catch (error) {
    throw new Error(`A worker thread could not import ${moduleUrl}, which registered ${key}: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  }
  const target = findThreadTarget(key);
  if (target) return target;
  throw new Error(
    `${key.split(" @ ")[0]} was not registered when a worker thread imported ${moduleUrl}. Thread-lane routes and tasks must be ` +
      `registered when their module is imported (at its top level, not inside a function called later or only on the main thread); ` +
      `otherwise pass \`module: import.meta.url\` of a module that registers them on import.`,
  );
}
