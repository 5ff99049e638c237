// The benchmark tools' settings read from the environment (BENCH_PIPELINED, INSTR_REPEATS,
// BENCH_WATCHDOG_ON, BENCH_LOOPWISE_WATCHDOG): one strict reading for all, so a mistyped value
// stops the tool with its name instead of measuring something else.

/**
 * The whole number in environment variable `name`, `fallback` when it is unset. Digits only:
 * `" 4"`, `"4.0"`, `"0x10"` and `""` are refused rather than read the way `Number` would.
 *
 * @example
 * const repeats = envInteger("INSTR_REPEATS", 2, 1, 20); // INSTR_REPEATS=4 → 4; unset → 2
 */
export function envInteger(name: string, fallback: number, min: number, max: number): number {
  const text = process.env[name];
  if (text === undefined) return fallback;
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * The value of environment variable `name` if it is one of `choices` (or `fallback`, which it
 * also is when unset); anything else throws, naming the variable and the choices.
 *
 * @example
 * const part = envChoice("BENCH_WATCHDOG_ON", "", ["noengine", "nocapture"] as const); // unset → ""
 */
export function envChoice<const T extends string, const F extends string>(name: string, fallback: F, choices: readonly T[]): T | F {
  const text = process.env[name];
  if (text === undefined || text === fallback) return fallback;
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new Error(`${name} must be ${choices.join(" or ")}, got ${JSON.stringify(text)}`);
}
