#!/usr/bin/env node
// The `loopwise` command. Plain JavaScript, so it starts on any Node without a loader.
//
// TypeScript apps need the tsx loader in *every* process and thread that imports them: this
// one, each `--workers` process, and the thread-lane pool's worker threads. The only way all of
// them get it is Node's own command line (cluster workers and worker threads inherit
// process.execArgv), so when a loader is missing this process replaces itself (process.execve;
// a child process where execve does not exist) with `node --import tsx ... loopwise.js ...`.
// A compiled `.js` app with a compiled loopwise (dist/) runs with no loader at all.
import { existsSync, statSync } from "node:fs";
import { spawn } from "node:child_process";
import { constants } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MIN_NODE_MAJOR = 22;
const major = Number(process.versions.node.split(".")[0]);
if (major < MIN_NODE_MAJOR) {
  process.stderr.write(`loopwise: error: loopwise needs Node.js ${MIN_NODE_MAJOR} or newer; this is ${process.version} (${process.execPath})\n`);
  process.exit(1);
}

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), "..");
const compiledMain = path.join(root, "dist", "cli", "main.js");
const sourceMain = path.join(root, "src", "cli", "main.ts");
const args = process.argv.slice(2);
const REEXEC_ENV = "LOOPWISE_CLI_REEXEC";

const TS_FILE = /\.(?:[cm]?ts|tsx)$/;

/** Whether an argument names a TypeScript module, as `app.ts`, `app.ts:api` or `app` (app.ts exists). */
function namesTypeScript(arg) {
  if (arg.startsWith("-")) return false;
  const colon = arg.lastIndexOf(":");
  const file = colon > 1 && /^[A-Za-z_$][\w$.]*$/.test(arg.slice(colon + 1)) ? arg.slice(0, colon) : arg;
  if (TS_FILE.test(file)) return true;
  if (path.extname(file) !== "") return false;
  return ["ts", "mts"].some((ext) => isFile(`${file}.${ext}`)) || isFile(path.join(file, "index.ts"));
}

function isFile(candidate) {
  try {
    return statSync(candidate).isFile();
  } catch {
    return false;
  }
}

const hasTsx = process.execArgv.some((arg) => /(?:^|[=/\\@])tsx(?:[/\\]|$)/.test(arg));
const hasSourceCondition = process.execArgv.some((arg, i, all) =>
  arg === "--conditions=loopwise-source" || arg === "-C=loopwise-source" || ((arg === "--conditions" || arg === "-C") && all[i + 1] === "loopwise-source"),
);
// Installed packages run dist/. A git checkout runs its TypeScript sources, so that an edit
// takes effect at once and a dist/ left by an old build is never what runs; so does anyone who
// asks for the sources with the condition (tests, benchmarks).
const fromSource = hasSourceCondition || existsSync(path.join(root, ".git")) || !existsSync(compiledMain);
const needsTsx = !hasTsx && (fromSource || args.some(namesTypeScript));
const needsCondition = fromSource && !hasSourceCondition;

if ((needsTsx || needsCondition) && process.env[REEXEC_ENV] === undefined) {
  const loader = [];
  if (needsTsx) {
    let tsx;
    try {
      tsx = import.meta.resolve("tsx");
    } catch {
      process.stderr.write("loopwise: error: running TypeScript needs the tsx package, which is not installed next to loopwise\n");
      process.exit(1);
    }
    loader.push("--import", tsx);
  }
  // The app imports "loopwise": in a checkout that must resolve to src/, as the tests do.
  if (needsCondition) loader.push("--conditions=loopwise-source");
  const argv = [...process.execArgv, ...loader, self, ...args];
  const env = { ...process.env, [REEXEC_ENV]: "1" };
  if (typeof process.execve === "function" && process.platform !== "win32") {
    // Same pid afterwards: signals sent to what the user started reach the server itself.
    process.execve(process.execPath, [process.execPath, ...argv], env);
  }
  const child = spawn(process.execPath, argv, { stdio: "inherit", env });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
} else {
  // Children (dev's app process, anything the app spawns) decide for themselves again.
  delete process.env[REEXEC_ENV];
  const { main } = await import(fromSource ? sourceMain : compiledMain);
  process.exit(await main(args));
}
