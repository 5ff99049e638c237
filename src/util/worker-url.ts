import { fileURLToPath } from "node:url";
import process from "node:process";

/** Source extensions a sibling worker module can have, in the order they are recognised. */
const MODULE_EXTENSION = /\.(?:[cm]?ts|tsx|[cm]?js)$/;
const TYPESCRIPT_EXTENSION = /\.(?:[cm]?ts|tsx)$/;
/** execArgv entries that already make a new thread able to import `.ts` files. */
const TYPESCRIPT_LOADER_FLAG = /tsx|ts-node|--experimental-transform-types/;

/**
 * The URL of a worker module that sits next to the calling module, with the caller's own
 * extension: `watchdog-worker.ts` when loopwise runs from source under tsx, `watchdog-worker.js`
 * when it runs compiled from `dist/`. Worker threads inherit `process.execArgv`, so a
 * `--import tsx` given to the process also loads the `.ts` worker; see {@link workerExecArgv}
 * for the case where tsx was registered from code instead.
 *
 * @param callerUrl `import.meta.url` of the module asking.
 * @param baseName the sibling's file name without extension.
 * @example
 * import { Worker } from "node:worker_threads";
 * const url = siblingModuleUrl(import.meta.url, "watchdog-worker");
 * const worker = new Worker(url, { execArgv: workerExecArgv(url) });
 */
export function siblingModuleUrl(callerUrl: string, baseName: string): URL {
  if (baseName.length === 0 || /[\\/]/.test(baseName) || baseName.startsWith(".")) {
    throw new TypeError(`worker module name must be a plain file name, got ${JSON.stringify(baseName)}`);
  }
  const caller = new URL(callerUrl);
  if (caller.protocol !== "file:") {
    throw new TypeError(`worker modules must be loaded from files, caller is ${caller.href}`);
  }
  const extension = MODULE_EXTENSION.exec(caller.pathname)?.[0] ?? ".js";
  return new URL(`./${baseName}${extension}`, caller);
}

/** Whether a module URL or path names a TypeScript source file. */
export function isTypeScriptModule(url: URL | string): boolean {
  const path = typeof url === "string" ? url : url.protocol === "file:" ? fileURLToPath(url) : url.pathname;
  return TYPESCRIPT_EXTENSION.test(path);
}

/** Flags that shape how modules load, kept when a worker's execArgv has to be spelled out. */
const MODULE_LOADING_FLAG = /^(?:--conditions|-C|--import|--require|-r|--loader|--experimental-loader|--enable-source-maps|--experimental-)/;
/** Flags of those that take their value as the next argument when not written `--flag=value`. */
const FLAG_WITH_SEPARATE_VALUE = /^(?:--conditions|-C|--import|--require|-r|--loader|--experimental-loader)$/;

/**
 * The `execArgv` option for a worker that loads `workerUrl`: `undefined` (inherit the process's
 * flags, which is what Node does by default and the only way that accepts every flag) unless the
 * worker is a `.ts` file and the process got no TypeScript loader on its command line (tsx
 * registered through its API, for example). Then tsx is added, with the parent's module-loading
 * flags (`--conditions`, `--import`, ...); Node's built-in type stripping is not enough because
 * our imports name `.js` files.
 *
 * @example
 * new Worker(url, { execArgv: workerExecArgv(url) });
 */
export function workerExecArgv(workerUrl: URL, parentExecArgv: readonly string[] = process.execArgv): string[] | undefined {
  if (!isTypeScriptModule(workerUrl) || parentExecArgv.some((arg) => TYPESCRIPT_LOADER_FLAG.test(arg))) return undefined;
  const argv: string[] = [];
  for (let i = 0; i < parentExecArgv.length; i++) {
    const arg = parentExecArgv[i]!;
    if (!MODULE_LOADING_FLAG.test(arg)) continue;
    argv.push(arg);
    const value = parentExecArgv[i + 1];
    if (FLAG_WITH_SEPARATE_VALUE.test(arg) && value !== undefined) {
      argv.push(value);
      i++;
    }
  }
  argv.push("--import", import.meta.resolve("tsx"));
  return argv;
}
