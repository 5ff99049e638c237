import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../support/node-bin.js";

// Node defines these globals as accessor properties: every read of one calls a getter (about 175
// machine instructions, measured with bench/micro/instructions.ts), several times per request on
// the request path. src/ imports them from their modules instead.
const ACCESSOR_GLOBALS: Record<string, RegExp> = {
  Buffer: /import\s+\{[^}]*\bBuffer\b[^}]*\}\s+from\s+"node:buffer"/,
  process: /import\s+process\s+from\s+"node:process"/,
  performance: /import\s+\{[^}]*\bperformance\b[^}]*\}\s+from\s+"node:perf_hooks"/,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** The code of a file without comments and string literals, roughly: enough to find value uses. */
function codeOf(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`/g, '""');
}

function usesGlobal(code: string, name: string): boolean {
  return new RegExp(`(?<![.\\w$#])${name}\\s*[.(]`).test(code);
}

describe("src/ reads no accessor global on its paths", () => {
  it("imports Buffer, process and performance wherever it uses them", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(repoRoot, "src"))) {
      const text = readFileSync(file, "utf8");
      const code = codeOf(text);
      for (const [name, imported] of Object.entries(ACCESSOR_GLOBALS)) {
        if (usesGlobal(code, name) && !imported.test(text)) offenders.push(`${relative(repoRoot, file)}: ${name}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("would notice a use without the import", () => {
    const code = codeOf('const started = performance.now(); // Buffer.from("x")\nconst text = "process.exit()";');
    assert.ok(usesGlobal(code, "performance"));
    assert.ok(!usesGlobal(code, "Buffer"), "comments do not count");
    assert.ok(!usesGlobal(code, "process"), "strings do not count");
    assert.ok(!usesGlobal(codeOf("this.#process.start(); child.process(1)"), "process"), "members do not count");
  });
});
