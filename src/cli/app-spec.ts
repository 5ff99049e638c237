import { statSync } from "node:fs";
import path from "node:path";
import { CliError, usageError } from "./cli-error.js";

/** Which module holds the app and under which export: `src/main.ts:api`. */
export interface AppSpec {
  /** The module path as typed (relative to the working directory, or absolute). */
  readonly module: string;
  /** The export holding the App; a dotted path reaches into an object (`container.app`). */
  readonly exportName: string;
  /** Whether the export was named on the command line (else `app`, then the default export). */
  readonly explicitExport: boolean;
}

const EXPORT_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
/** The extensions tried, in order, when the module is given without one (`loopwise serve main`). */
const IMPLICIT_EXTENSIONS = [".ts", ".mts", ".js", ".mjs", ".cts", ".cjs"];

/**
 * Parses `<module>[:export]`. The export is split off at the last `:` only when what follows is an
 * export name, so Windows paths (`C:\app.ts`) and the default (`app`) both work.
 *
 * @example
 * parseAppSpec("src/main.ts:api"); // { module: "src/main.ts", exportName: "api", explicitExport: true }
 * parseAppSpec("src/main.ts");     // { module: "src/main.ts", exportName: "app", explicitExport: false }
 */
export function parseAppSpec(text: string, command?: string): AppSpec {
  if (text.trim() === "") throw usageError("the app module is empty: give it as <module>[:export], e.g. src/main.ts:app", command);
  if (text.includes("\0")) throw usageError("the app module contains a NUL byte", command);
  const colon = text.lastIndexOf(":");
  if (colon > 0) {
    const name = text.slice(colon + 1);
    const module = text.slice(0, colon);
    if (EXPORT_PATH.test(name)) return { module, exportName: name, explicitExport: true };
    if (name === "") throw usageError(`nothing after ":" in ${JSON.stringify(text)}: write <module>:<export>, or leave out the ":"`, command);
    if (!/[\\/]/.test(name)) throw usageError(`${JSON.stringify(name)} is not a valid export name (in ${JSON.stringify(text)})`, command);
  }
  return { module: text, exportName: "app", explicitExport: false };
}

function isFile(candidate: string): boolean {
  try {
    return statSync(candidate).isFile();
  } catch {
    return false;
  }
}

/**
 * The absolute file of the app module: the path as given, else with a source extension added,
 * else the folder's `index` file. A clear {@link CliError} when none exists.
 *
 * @example
 * resolveAppFile({ module: "src/main", exportName: "app", explicitExport: false }, process.cwd());
 * // "/project/src/main.ts"
 */
export function resolveAppFile(spec: AppSpec, cwd: string): string {
  const base = path.resolve(cwd, spec.module);
  const candidates = [base, ...IMPLICIT_EXTENSIONS.map((ext) => base + ext), ...IMPLICIT_EXTENSIONS.map((ext) => path.join(base, `index${ext}`))];
  const found = candidates.find(isFile);
  if (found !== undefined) return found;
  const shown = path.relative(cwd, base) || ".";
  const looked = path.extname(base) === "" ? `${shown}, ${shown}.ts, ${shown}.js or ${shown}/index.ts` : shown;
  throw new CliError(`Could not find the app module "${spec.module}": no file ${looked} (relative to ${cwd})`);
}
