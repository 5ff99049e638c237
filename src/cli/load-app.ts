import path from "node:path";
import { pathToFileURL } from "node:url";
import type { App } from "../app.js";
import { resolveAppFile, type AppSpec } from "./app-spec.js";
import { CliError } from "./cli-error.js";
import { describeValue } from "../describe-value.js";

/** An app found in its module. */
export interface LoadedApp {
  readonly app: App;
  /** The module's absolute file path. */
  readonly file: string;
  /** The export it came from (`app`, `default`, or the one named on the command line). */
  readonly exportName: string;
}

/**
 * Whether `value` is a loopwise App. Checked by shape rather than `instanceof`, so an app built
 * with another copy of loopwise (a global CLI, a linked package) is still recognised.
 */
export function isLoopwiseApp(value: unknown): value is App {
  const candidate = value as Partial<App> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.serve === "function" &&
    typeof candidate.handle === "function" &&
    typeof candidate.route === "function"
  );
}

function describeExport(value: unknown): string {
  if (typeof value === "function") return "a function (an App is expected; call it and export the result)";
  return describeValue(value);
}

/** The rest of the error's message and its stack frames outside loopwise and Node's loader. */
function userFrames(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.stack === undefined) return undefined;
  const moreMessage = error.message.split("\n").slice(1);
  const frames = error.stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line) && !/node:internal|\/src\/cli\/|\/dist\/cli\/|\/bin\/loopwise\.js|\/node_modules\/tsx\//.test(line))
    .slice(0, 8);
  const lines = [...moreMessage, ...frames].filter((line) => line.trim() !== "");
  return lines.length > 0 ? lines.join("\n") : undefined;
}

function lookup(namespace: Record<string, unknown>, exportPath: string): unknown {
  let value: unknown = namespace;
  for (const key of exportPath.split(".")) {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
    // An object's prototype has the methods of an App without being one.
    if (key === "__proto__" || key === "prototype") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Imports the app module and returns its App. Every way this can go wrong ends in a
 * {@link CliError} whose message says what to do: no such file, the import threw, no such
 * export, an export that is not an App.
 *
 * @example
 * const { app } = await loadApp(parseAppSpec("examples/s1-blocking/app.ts"), process.cwd());
 */
export async function loadApp(spec: AppSpec, cwd: string): Promise<LoadedApp> {
  const file = resolveAppFile(spec, cwd);
  const shown = path.relative(cwd, file) || file;
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
    throw new CliError(`Importing the app module ${shown} failed: ${message}`, 1, { cause: error, detail: userFrames(error) });
  }
  const named = lookup(namespace, spec.exportName);
  if (isLoopwiseApp(named)) return { app: named, file, exportName: spec.exportName };
  if (named === undefined && !spec.explicitExport && isLoopwiseApp(namespace["default"])) {
    return { app: namespace["default"], file, exportName: "default" };
  }
  if (named !== undefined) {
    throw new CliError(`The export "${spec.exportName}" of ${shown} is ${describeExport(named)}, not a loopwise App`);
  }
  const exports = Object.keys(namespace);
  const listed = exports.length === 0 ? "it exports nothing" : `its exports: ${exports.join(", ")}`;
  throw new CliError(
    `${shown} has no export "${spec.exportName}" (${listed}). ` +
      `Export the app with \`export const app = new App()\`, or name its export: ${shown}:<name>`,
  );
}
