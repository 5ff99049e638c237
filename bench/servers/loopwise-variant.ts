import { envChoice } from "../lib/env.js";

/** The environment variable that serves the comparison's loopwise with `watchdog: false`. */
export const LOOPWISE_WATCHDOG_ENV = "BENCH_LOOPWISE_WATCHDOG";

/**
 * Whether BENCH_LOOPWISE_WATCHDOG asks for loopwise without its watch (`off`); unset or `on`
 * keeps the defaults, anything else is a mistake worth stopping for.
 *
 * @example
 * // BENCH_LOOPWISE_WATCHDOG=off npm run bench -- hello
 * loopwiseWatchdogOff(); // true
 */
export function loopwiseWatchdogOff(): boolean {
  return envChoice(LOOPWISE_WATCHDOG_ENV, "on", ["on", "off"]) === "off";
}
