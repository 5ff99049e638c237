import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** loopwise's own source folder (`src/` or `dist/`): frames inside it are never the app's. */
const FRAMEWORK_DIR = new URL("../", import.meta.url).href;

/** Test files must not be imported by a worker: that would run their tests there. */
const TEST_FILE = /(?:^|[./\\_-])(?:test|spec)\.[cm]?[jt]sx?$/;

/**
 * A thread-lane route or task whose code a worker thread could not import: registered from a
 * REPL or a test file, or not registered when its module is imported. The message says what to do.
 *
 * @example
 * await app.startup(); // ThreadModuleError: ... did not find: GET /late @ file:///app.ts ...
 */
export class ThreadModuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ThreadModuleError";
  }
}

type CallSite = { getFileName(): string | null | undefined; getScriptNameOrSourceURL?(): string | null | undefined };

function stackFiles(): (string | undefined)[] {
  const saved = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 50;
    Error.prepareStackTrace = (_error, sites: CallSite[]) => sites.map((site) => site.getFileName() ?? undefined);
    const holder: { stack?: (string | undefined)[] } = {};
    Error.captureStackTrace(holder, registeringModule);
    return holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = saved;
    Error.stackTraceLimit = savedLimit;
  }
}

function toUrl(file: string): string | undefined {
  if (file.startsWith("file://")) return file;
  if (path.isAbsolute(file)) return pathToFileURL(file).href;
  return undefined;
}

/**
 * The URL of the module whose code called into loopwise (the first stack frame outside loopwise
 * and Node's internals). A worker thread imports this module to find the same route or task
 * again, so it must be a file, and not a test file.
 *
 * @param what how errors name the thing being registered: `GET /slow (lane "thread")`.
 * @throws ThreadModuleError when the caller is not an importable module file (REPL, eval, stdin, a test file).
 * @example
 * const moduleUrl = registeringModule(`GET /slow (lane "thread")`);
 */
export function registeringModule(what: string): string {
  let first: string | undefined;
  for (const file of stackFiles()) {
    if (file === undefined || file.startsWith("node:")) continue;
    const url = toUrl(file);
    if (url !== undefined && url.startsWith(FRAMEWORK_DIR)) continue;
    if (url !== undefined) return checkImportable(url, what);
    first = file;
    break;
  }
  throw new ThreadModuleError(
    `${what} was registered from ${first ? JSON.stringify(first) : "code that is not in a module file"} (a REPL, eval or stdin?). ` +
      `Thread-lane code runs in worker threads that import the module which registered it, so it must live in a module file: ` +
      `move the app into its own file, or pass \`module: import.meta.url\` (of a module that registers it when imported) to new App() / task().`,
  );
}

/**
 * Checks that a module given explicitly (or found on the stack) can be imported by a worker.
 *
 * @throws ThreadModuleError for non-file URLs and test files.
 * @example
 * checkImportable(import.meta.url, "task resize");
 */
export function checkImportable(moduleUrl: string, what: string): string {
  let url: URL;
  try {
    url = new URL(moduleUrl);
  } catch {
    throw new ThreadModuleError(`${what}: ${JSON.stringify(moduleUrl)} is not a module URL; pass import.meta.url`);
  }
  if (url.protocol !== "file:") {
    throw new ThreadModuleError(`${what}: worker threads can only import module files, not ${url.href}`);
  }
  if (TEST_FILE.test(fileURLToPath(url))) {
    throw new ThreadModuleError(
      `${what} was registered in the test file ${fileURLToPath(url)}. Worker threads import the module that registers ` +
        `thread-lane code, and importing a test file would run its tests there: put the app in its own module ` +
        `(e.g. app.ts or a test fixture) and import it from the test.`,
    );
  }
  return url.href;
}
