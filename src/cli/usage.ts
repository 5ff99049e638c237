import { LOG_LEVEL_NAMES } from "./log-level.js";
import process from "node:process";

/** `loopwise --help`. */
export const MAIN_USAGE = `loopwise: run loopwise apps

usage: loopwise <command> <module>[:export] [options]

commands:
  serve <module>[:export]    production server: one process, or --workers N processes on one port
  dev <module>[:export]      development server: restarts on file changes, readable logs, watchdog in dev mode
  openapi <module>[:export]  print the app's OpenAPI document as JSON
  worker <module>[:export]   run the app's queued tasks (BullMQ on Redis); any number, on any machine

<module> is the file that builds the app (src/main.ts, app.js; the extension may be left out).
[:export] names the export holding the App; by default "app", then the default export.
TypeScript apps run as they are (through tsx); compiled JavaScript runs without it.

options:
  -h, --help                 this text; "loopwise <command> --help" for a command's options
  -v, --version              the loopwise version

examples:
  loopwise serve src/main.ts --port 8000 --workers 4
  loopwise dev src/main.ts
  loopwise openapi src/main.ts > openapi.json`;

const SERVER_OPTIONS = `  --host <address>                 interface to listen on (default: $HOST, else 127.0.0.1; 0.0.0.0 for all)
  -p, --port <n>                   port (default: $PORT, else 8000; 0 picks a free one)
  --threads <n>                    size of the thread-lane pool of each process (sets LOOPWISE_THREADS)
  --limit-concurrency <n>          answer 503 to requests beyond n in flight per process (default: no limit)
  --timeout-keep-alive <s>         close idle keep-alive connections after s seconds (default 5)
  --timeout-graceful-shutdown <s>  on shutdown, how long in-flight requests may take (default %GRACE%)
  --log-level <level>              ${LOG_LEVEL_NAMES} (default: $LOG_LEVEL, else info)
  --access-log, --no-access-log    one log line per request from the server (default off: apps log their own)
  -h, --help                       this text`;

/** `loopwise serve --help`. */
export const SERVE_USAGE = `usage: loopwise serve <module>[:export] [options]

Runs the app's HTTP server for production. With --workers N, a primary process starts N worker
processes (node:cluster) that share one port, each with its own event loop and thread pool; the
primary replaces a worker that dies (with backoff), drains all of them on SIGTERM/SIGINT, and
on SIGHUP replaces them one at a time (new worker ready before the old one stops: no request
is dropped; new code on disk is picked up).

options:
  -w, --workers <n>                worker processes (default: $WEB_CONCURRENCY, else 1 = no primary)
${SERVER_OPTIONS.replace("%GRACE%", "30")}

signals: SIGTERM/SIGINT drain and exit 0; SIGHUP rolls the workers (with --workers > 1).`;

/** `loopwise dev --help`. */
export const DEV_USAGE = `usage: loopwise dev <module>[:export] [options]

Runs the app for development: one process, restarted when a source file changes (.ts, .js,
.json, ... outside node_modules, .git and dist), logs printed readably, and LOOPWISE_ENV=development
set for the app, which turns on the watchdog's development settings. If the app fails to start,
fix the file: the next save restarts it.

options:
  --reload-dir <path>              folder to watch, may be repeated (default: the app module's folder)
${SERVER_OPTIONS.replace("%GRACE%", "2")}`;

/** `loopwise openapi --help`. */
export const OPENAPI_USAGE = `usage: loopwise openapi <module>[:export]

Imports the app and prints its OpenAPI 3.1 document (app.openapi()) as JSON on stdout.

options:
  -h, --help                       this text`;
