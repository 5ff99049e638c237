import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { findSourceMap, type SourceMapPayload } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import ts from "typescript";
import { SourceMapResolver, parseMap, scriptPath } from "../../src/watch/source-maps.js";
import type { RawFrame } from "../../src/watch/snapshot.js";

const TS_SOURCE = [
  "// leading comment",
  "interface Row {",
  "  id: number;",
  "}",
  "export function hot(rows: Row[]): number {",
  "  let sum: number = 0;",
  "  for (const row of rows) sum += row.id;",
  "  return sum;",
  "}",
  "",
].join("\n");

/** Where `needle` is in `text`, 1-based, as V8 reports positions. */
function positionOf(text: string, needle: string): { line: number; col: number } {
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `${needle} not found`);
  return { line: line + 1, col: lines[line]!.indexOf(needle) + 1 };
}

const noMainThread = async (): Promise<SourceMapPayload | null> => {
  throw new Error("the main thread must not be asked");
};

describe("source maps, resolved in the watchdog thread", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "loopwise-maps-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * `src/<name>.ts` compiled to `dist/<name>.js` the way tsc lays out a build: the map's
   * sources point back to `../src/<name>.ts` (transpileModule alone only knows the base name).
   */
  function compile(name: string, options: ts.CompilerOptions): { jsFile: string; js: string } {
    const out = ts.transpileModule(TS_SOURCE, {
      fileName: `${name}.ts`,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, ...options },
    });
    mkdirSync(join(dir, "dist"), { recursive: true });
    const jsFile = join(dir, "dist", `${name}.js`);
    const relocate = (map: string): string => {
      const payload = JSON.parse(map) as { sources: string[]; sourceRoot?: string };
      if (!payload.sourceRoot) payload.sources = [`../src/${name}.ts`];
      return JSON.stringify(payload);
    };
    let js = out.outputText;
    if (out.sourceMapText !== undefined) {
      writeFileSync(`${jsFile}.map`, relocate(out.sourceMapText));
      js = js.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${name}.js.map`);
    } else {
      js = js.replace(/(\/\/# sourceMappingURL=data:application\/json;base64,)(\S+)/, (_all, prefix: string, data: string) => {
        return prefix + Buffer.from(relocate(Buffer.from(data, "base64").toString("utf8"))).toString("base64");
      });
    }
    writeFileSync(jsFile, js);
    return { jsFile, js };
  }

  it("maps a compiled .js frame through its .js.map file", async () => {
    const { jsFile, js } = compile("disk", { sourceMap: true });
    const at = positionOf(js, "sum += row.id");
    const [frame] = await new SourceMapResolver(noMainThread).resolve([{ fn: "hot", file: jsFile, ...at }], false);
    assert.equal(frame!.file, join(dir, "src", "disk.ts"));
    assert.deepEqual({ line: frame!.line, col: frame!.col }, positionOf(TS_SOURCE, "sum += row.id"));
    assert.equal(frame!.unmapped, undefined);
  });

  it("maps through an inline data: map, and accepts file URLs", async () => {
    const { jsFile, js } = compile("inline", { inlineSourceMap: true });
    const at = positionOf(js, "sum += row.id");
    const [frame] = await new SourceMapResolver(noMainThread).resolve(
      [{ fn: "hot", file: pathToFileURL(jsFile).href, ...at }],
      false,
    );
    assert.equal(frame!.file, join(dir, "src", "inline.ts"));
    assert.equal(frame!.line, positionOf(TS_SOURCE, "sum += row.id").line);
  });

  it("resolves sources against sourceRoot", async () => {
    const { jsFile, js } = compile("rooted", { sourceMap: true, sourceRoot: "../elsewhere/" });
    const [frame] = await new SourceMapResolver(noMainThread).resolve(
      [{ fn: "hot", file: jsFile, ...positionOf(js, "sum += row.id") }],
      false,
    );
    assert.equal(frame!.file, join(dir, "elsewhere", "rooted.ts"));
  });

  it("maps tsx-transpiled frames with the map the main thread holds (this very file)", async () => {
    const here = capturePosition(); // a frame of this file, in tsx's transpiled code
    const path = scriptPath(here.file)!;
    const asked: string[] = [];
    const resolver = new SourceMapResolver(async (file) => {
      asked.push(file);
      return findSourceMap(file)?.payload ?? null;
    });
    // While the main thread is blocked it cannot be asked: the frame is flagged, not guessed.
    const [early] = await resolver.resolve([here], false);
    assert.deepEqual(asked, []);
    assert.equal(early!.unmapped, true);
    const [late] = await resolver.resolve([here], true);
    assert.deepEqual(asked, [path]);
    assert.equal(late!.file, path);
    assert.notEqual(here.line, lineOfCall(), "tsx output has other line numbers than the source");
    assert.equal(late!.line, lineOfCall());
    assert.equal(late!.unmapped, undefined);
    // Cached: not asked again.
    await resolver.resolve([here], true);
    assert.equal(asked.length, 1);
  });

  it("leaves builtins, node: modules and eval code alone", async () => {
    const frames: RawFrame[] = [
      { fn: "stringify", file: "", line: 0, col: 0 },
      { fn: "readFileSync", file: "node:fs", line: 538, col: 8 },
      { fn: "x", file: "evalmachine.<anonymous>", line: 1, col: 1 },
    ];
    assert.deepEqual(await new SourceMapResolver(noMainThread).resolve(frames, true), frames);
    assert.equal(scriptPath("node:fs"), null);
    assert.equal(scriptPath("file:///a/b.js"), "/a/b.js");
    assert.equal(scriptPath("file://%zz"), null);
  });

  it("survives broken, hostile or missing maps", async () => {
    const cases: Record<string, string> = {
      garbage: "not json at all",
      wrongVersion: JSON.stringify({ version: 2, sources: ["a.ts"], mappings: "AAAA" }),
      badSources: JSON.stringify({ version: 3, sources: [{ evil: true }], mappings: "AAAA" }),
      noMappings: JSON.stringify({ version: 3, sources: ["a.ts"] }),
    };
    const frames: RawFrame[] = [];
    for (const [name, map] of Object.entries(cases)) {
      writeFileSync(join(dir, `${name}.js`), `f();\n//# sourceMappingURL=${name}.js.map\n`);
      writeFileSync(join(dir, `${name}.js.map`), map);
      frames.push({ fn: name, file: join(dir, `${name}.js`), line: 1, col: 1 });
    }
    writeFileSync(join(dir, "remote.js"), "f();\n//# sourceMappingURL=https://example.com/x.map\n");
    writeFileSync(join(dir, "missing.js"), "f();\n//# sourceMappingURL=nowhere.js.map\n");
    writeFileSync(join(dir, "baddata.js"), "f();\n//# sourceMappingURL=data:application/json;base64,!!!!\n");
    writeFileSync(join(dir, "notjson.js"), "f();\n//# sourceMappingURL=data:text/html,<script>\n");
    for (const name of ["remote", "missing", "baddata", "notjson", "does-not-exist"]) {
      frames.push({ fn: name, file: join(dir, `${name}.js`), line: 1, col: 1 });
    }
    const resolved = await new SourceMapResolver(async () => null).resolve(frames, true);
    assert.deepEqual(resolved, frames);
  });

  it("parseMap accepts v3 maps only", () => {
    assert.equal(parseMap(null), null);
    assert.equal(parseMap("{}"), null);
    assert.equal(parseMap({ version: 3, sources: "a.ts", mappings: "" }), null);
    assert.notEqual(parseMap({ version: 3, sources: ["a.ts"], mappings: "AAAA", names: [1, "x"] }), null);
  });
});

/** A frame of this file at the line that calls it, as V8 reports it (transpiled positions). */
function capturePosition(): RawFrame {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (_error, sites) => sites;
  const holder: { stack?: unknown } = {};
  Error.captureStackTrace(holder, capturePosition);
  const site = (holder.stack as NodeJS.CallSite[])[0]!;
  Error.prepareStackTrace = saved;
  return { fn: "test", file: site.getFileName()!, line: site.getLineNumber()!, col: site.getColumnNumber()! };
}

function lineOfCall(): number {
  const source = ts.sys.readFile(new URL(import.meta.url).pathname)!;
  return source.split("\n").findIndex((line) => line.includes("const here = capturePosition();")) + 1;
}
