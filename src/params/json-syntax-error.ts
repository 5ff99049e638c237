/** Where and why a JSON text is invalid, in the words of Python's `json` module (FastAPI's `ctx.error`). */
export interface JsonSyntaxError {
  position: number;
  message: string;
}

/**
 * Locates the first syntax error of a text `JSON.parse` rejected. Only called on the error path,
 * so it favours being small and exact over being fast.
 *
 * @example
 * findJsonSyntaxError('{"a": }') // { position: 6, message: "Expecting value" }
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError {
  const scanner = new Scanner(text);
  try {
    scanner.skipSpace();
    scanner.value();
    scanner.skipSpace();
    if (scanner.pos < text.length) return { position: scanner.pos, message: "Extra data" };
    return { position: text.length, message: "Expecting value" };
  } catch (error) {
    if (error instanceof ScanError) return { position: error.position, message: error.message };
    throw error;
  }
}

class ScanError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && " \t\n\r".includes(this.text[this.pos]!)) this.pos++;
  }

  value(): void {
    const ch = this.text[this.pos];
    if (ch === "{") return this.object();
    if (ch === "[") return this.array();
    if (ch === '"') return this.string();
    for (const word of ["true", "false", "null"]) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    NUMBER.lastIndex = this.pos;
    if (ch !== undefined && NUMBER.test(this.text)) {
      this.pos = NUMBER.lastIndex;
      return;
    }
    throw new ScanError("Expecting value", this.pos);
  }

  object(): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') throw new ScanError("Expecting property name enclosed in double quotes", this.pos);
      this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ":") throw new ScanError("Expecting ':' delimiter", this.pos);
      this.pos++;
      this.skipSpace();
      this.value();
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch === "}") {
        this.pos++;
        return;
      }
      if (ch !== ",") throw new ScanError("Expecting ',' delimiter", this.pos);
      this.pos++;
      this.skipSpace();
    }
  }

  array(): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return;
    }
    for (;;) {
      this.value();
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch === "]") {
        this.pos++;
        return;
      }
      if (ch !== ",") throw new ScanError("Expecting ',' delimiter", this.pos);
      this.pos++;
      this.skipSpace();
    }
  }

  string(): void {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (ch === '"') {
        this.pos++;
        return;
      }
      if (ch === "\\") {
        const next = this.text[this.pos + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
            throw new ScanError("Invalid \\uXXXX escape", this.pos + 1);
          }
          this.pos += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) throw new ScanError("Invalid \\escape", this.pos);
        this.pos += 2;
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) throw new ScanError("Invalid control character at", this.pos);
      this.pos++;
    }
    throw new ScanError("Unterminated string starting at", start);
  }
}
