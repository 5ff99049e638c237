/**
 * A value as an error message names it: `null`, `undefined`, `an object of class Map`, `a string`.
 *
 * @example
 * throw new TypeError(`A middleware returned ${describeValue(result)} instead of a Response`);
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return `an object of class ${value.constructor?.name ?? "Object"}`;
  return `a ${typeof value}`;
}
