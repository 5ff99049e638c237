/**
 * Python's way of printing values, for error messages that must read exactly as pydantic's:
 * `Input should be 'a', 'b' or 'c'`, `Input should be greater than 1e-05`.
 */

/**
 * A number as Python prints it. JavaScript has one number type, so integral values print as
 * Python ints (`0`, `10000000000000000000000`) and others as Python floats (`0.5`, `1e-05`).
 *
 * @example
 * pythonNumber(0) // "0"
 * pythonNumber(0.00001) // "1e-05"
 */
export function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
  // Python's float repr switches to exponent notation below 1e-4 (JavaScript only below 1e-6)
  // and always writes at least two exponent digits.
  if (Math.abs(value) < 1e-4) {
    const [mantissa, exponent] = value.toExponential().split("e") as [string, string];
    const sign = exponent[0] === "-" ? "-" : "+";
    const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return String(value);
}

/** Characters Python's `repr` writes as escapes inside a string. */
function escapeChar(code: number): string | undefined {
  if (code === 0x5c) return "\\\\";
  if (code === 0x09) return "\\t";
  if (code === 0x0a) return "\\n";
  if (code === 0x0d) return "\\r";
  if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code === 0x2028 || code === 0x2029) return `\\u${code.toString(16)}`;
  return undefined;
}

/**
 * A string as Python's `repr` prints it: single quotes unless the text holds a single quote
 * and no double quote.
 *
 * @example
 * pythonString("a") // "'a'"
 * pythonString("it's") // "\"it's\""
 */
export function pythonString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
        continue;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      out += `\\u${code.toString(16)}`;
      continue;
    }
    if (code === quote.charCodeAt(0)) {
      out += `\\${quote}`;
      continue;
    }
    out += escapeChar(code) ?? text[i]!;
  }
  return out + quote;
}

/**
 * Any JSON-like literal as Python's `repr` prints it.
 *
 * @example
 * pythonRepr(true) // "True"
 * pythonRepr(null) // "None"
 */
export function pythonRepr(value: unknown): string {
  if (typeof value === "string") return pythonString(value);
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value === null || value === undefined) return "None";
  return pythonString(String(value));
}

/**
 * The `expected` text of pydantic's literal and enum errors: each value's repr, joined with
 * commas and "or" before the last.
 *
 * @example
 * pythonExpected(["a", "b", "c"]) // "'a', 'b' or 'c'"
 */
export function pythonExpected(values: readonly unknown[]): string {
  const reprs = values.map(pythonRepr);
  if (reprs.length <= 1) return reprs[0] ?? "";
  return `${reprs.slice(0, -1).join(", ")} or ${reprs[reprs.length - 1]}`;
}
