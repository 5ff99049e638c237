import type { App } from "../app.js";
import { Dependency, depends } from "../deps/dependency.js";
import { HTTPException } from "../errors/http-exception.js";
import { HTMLResponse, JSONResponse } from "../responses/response.js";
import { SSEResponse, ServerSentEvent } from "../responses/sse.js";
import type { DashboardGuard } from "./app-watch-options.js";
import type { AppWatch } from "./app-watch.js";
import { dashboardPage } from "./dashboard-page.js";
import { dashboardBlock, dashboardState } from "./dashboard-state.js";
import { performance } from "node:perf_hooks";

const STATE_EVERY_MS = 1000;

/**
 * Registers the dashboard's routes on the app (left out of the OpenAPI document): the page at
 * `path`, its state as JSON at `path/state`, and the live feed at `path/events` (SSE: the state
 * every second, each block report as it arrives). Returns the paths registered.
 */
export function registerDashboard(
  app: App,
  watch: AppWatch,
  settings: { path: string; auth: Dependency<unknown> | DashboardGuard | undefined },
): string[] {
  const guard = authDependency(settings.auth);
  const options = { includeInSchema: false, ...(guard === undefined ? {} : { dependencies: [guard] }) };
  const { path } = settings;
  const noStore = { "cache-control": "no-store" };
  app.get(path, options, () => new HTMLResponse(dashboardPage(path), { headers: { ...noStore, "x-frame-options": "DENY" } }));
  app.get(`${path}/state`, options, () => new JSONResponse(dashboardState(watch), { headers: noStore }));
  app.get(`${path}/events`, options, ({ signal }) => new SSEResponse(stateEvents(watch, signal), { ping: 15_000 }));
  return [path, `${path}/state`, `${path}/events`];
}

function authDependency(auth: Dependency<unknown> | DashboardGuard | undefined): Dependency<unknown> | undefined {
  if (auth === undefined) return undefined;
  if (auth instanceof Dependency) return auth;
  if (typeof auth !== "function") throw new TypeError("watchdog.dashboard.auth must be a dependency or a function");
  return depends(async ({ req }) => {
    if ((await auth(req)) !== true) throw new HTTPException(401, "Not authenticated");
  });
}

/** The feed: state now and every second, block reports the moment they arrive, until the client or the server leaves. */
async function* stateEvents(watch: AppWatch, signal: AbortSignal): AsyncGenerator<ServerSentEvent> {
  const closing = watch.streamsClosing;
  const pending: ServerSentEvent[] = [];
  let wake: (() => void) | undefined;
  const stopBlocks = watch.onBlockReport((report) => {
    pending.push(new ServerSentEvent({ event: "block", data: dashboardBlock(report) }));
    wake?.();
  });
  const onAbort = (): void => wake?.();
  signal.addEventListener("abort", onAbort);
  closing.addEventListener("abort", onAbort);
  try {
    yield new ServerSentEvent({ event: "state", data: dashboardState(watch) });
    let next = performance.now() + STATE_EVERY_MS;
    while (!signal.aborted && !closing.aborted) {
      if (pending.length === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, next - performance.now()));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      while (pending.length > 0) yield pending.shift()!;
      if (performance.now() >= next) {
        yield new ServerSentEvent({ event: "state", data: dashboardState(watch) });
        next = performance.now() + STATE_EVERY_MS;
      }
    }
  } finally {
    stopBlocks();
    signal.removeEventListener("abort", onAbort);
    closing.removeEventListener("abort", onAbort);
  }
}
