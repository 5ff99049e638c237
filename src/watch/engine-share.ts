import type { BlockReport } from "./block-report.js";
import { startWatchdog, watchdogRunning, type WatchdogHandle } from "./watchdog.js";
import type { WatchdogOptions } from "./watchdog-options.js";

/** Someone serving who wants the watchdog's reports. */
export interface WatchdogUser {
  onBlock(report: BlockReport): void;
}

let engine: WatchdogHandle | undefined;
const users = new Set<WatchdogUser>();

/**
 * The process's watchdog, shared by the apps that serve in it (a process has one event loop and
 * one watchdog): the first app to serve starts it with its options, every report goes to every
 * app, and the last app to stop stops it. Undefined when a watchdog started by other means
 * (`startWatchdog()`) already runs, or the options disable it.
 */
export function acquireWatchdog(user: WatchdogUser, options: WatchdogOptions): WatchdogHandle | undefined {
  if (engine === undefined) {
    if (watchdogRunning() || options.enabled === false) return undefined;
    engine = startWatchdog({
      ...options,
      onBlock: (report) => {
        for (const each of users) {
          try {
            each.onBlock(report);
          } catch {
            // One app's failing hook must not keep the report from the others.
          }
        }
      },
    });
  }
  users.add(user);
  return engine;
}

/** Stops sharing; the last user stops the watchdog (the promise settles when it has). */
export function releaseWatchdog(user: WatchdogUser): Promise<void> {
  if (!users.delete(user) || users.size > 0 || engine === undefined) return Promise.resolve();
  const stopping = engine;
  engine = undefined;
  return stopping.stop();
}
