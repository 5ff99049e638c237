import { CliError } from "./cli-error.js";
import { loadApp } from "./load-app.js";
import type { OpenapiCommand } from "./options.js";
import { writeStdout } from "./stdout.js";
import process from "node:process";

/**
 * `loopwise openapi`: prints the app's OpenAPI document, indented, on stdout.
 *
 * @example
 * await printOpenapi({ kind: "openapi", app: parseAppSpec("src/main.ts") });
 */
export async function printOpenapi(command: OpenapiCommand, cwd = process.cwd()): Promise<number> {
  const { app, file } = await loadApp(command.app, cwd);
  const build = (app as { openapi?: unknown }).openapi;
  if (typeof build !== "function") {
    throw new CliError(`The app of ${file} has no openapi() method: this version of loopwise cannot build OpenAPI documents yet`);
  }
  const document: unknown = await build.call(app);
  await writeStdout(`${JSON.stringify(document, null, 2)}\n`);
  return 0;
}
