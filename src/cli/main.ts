import { readFileSync } from "node:fs";
import { CliError } from "./cli-error.js";
import { runDev } from "./dev.js";
import { printOpenapi } from "./openapi.js";
import { parseCommandLine, type CliEnv } from "./options.js";
import { serve } from "./serve.js";
import { writeStdout } from "./stdout.js";
import { runWorkerCommand } from "./worker-command.js";
import process from "node:process";

function packageVersion(): string {
  try {
    // Two levels up from both src/cli/ and dist/cli/.
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return manifest.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Prints an error the way the CLI does: one line, and a stack only where it helps. */
export function reportError(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`loopwise: error: ${error.message}\n${error.detail ? `${error.detail}\n` : ""}`);
    return error.exitCode;
  }
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  process.stderr.write(`loopwise: unexpected error: ${text}\n`);
  return 1;
}

/**
 * Runs the `loopwise` command line (without `node` and the script) and resolves with the exit
 * code. Long-running commands (serve, dev) resolve once they have stopped.
 *
 * @example
 * process.exit(await main(process.argv.slice(2)));
 */
export async function main(argv: readonly string[], env: CliEnv = process.env): Promise<number> {
  try {
    if (argv[0] === "worker") return await runWorkerCommand(argv.slice(1), env);
    if (argv[0] === "help" && argv[1] === "worker") return await runWorkerCommand(["--help"], env);
    const command = parseCommandLine(argv, env, packageVersion());
    switch (command.kind) {
      case "print":
        await writeStdout(`${command.text}\n`);
        return 0;
      case "serve":
        return await serve(command);
      case "dev":
        return await runDev(command);
      case "openapi":
        return await printOpenapi(command);
    }
  } catch (error) {
    return reportError(error);
  }
}
