import { readFile, stat } from "node:fs/promises";
import { SourceMap, type SourceMapPayload } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BlockFrame } from "./block-report.js";
import type { RawFrame } from "./snapshot.js";
import { Buffer } from "node:buffer";

/**
 * Asks the main thread for the source map it holds in memory for a file: tsx transpiles `.ts`
 * files in memory, with an inline map Node keeps (tsx calls `process.setSourceMapsEnabled`), and
 * V8 call sites carry positions in the transpiled code. Null when it has none.
 */
export type MainThreadMapLookup = (file: string) => Promise<SourceMapPayload | null>;

interface LoadedMap {
  readonly map: SourceMap;
  /** Where the map's relative `sources` are resolved from. */
  readonly baseUrl: URL;
}

const TYPESCRIPT_FILE = /\.(?:[cm]?ts|tsx)$/;
const JAVASCRIPT_FILE = /\.[cm]?js$/;
const MAX_SCRIPT_BYTES = 32 * 1024 * 1024;
const MAX_MAP_BYTES = 64 * 1024 * 1024;
const MAX_CACHED_FILES = 500;
const SOURCE_MAPPING_URL = /^\s*\/[/*][#@]\s*sourceMappingURL=([^\s'"*]+)\s*(?:\*\/)?\s*$/;

/**
 * Maps stack frames to the positions in the source the developer wrote. Runs in the watchdog
 * thread, so parsing maps never costs the event loop: compiled `.js` files are read from disk
 * with their `.js.map` (or inline map); files transpiled in memory (tsx) get their map from the
 * main thread once, after the block has ended, and are cached from then on.
 */
export class SourceMapResolver {
  readonly #askMainThread: MainThreadMapLookup;
  readonly #cache = new Map<string, LoadedMap | null>();

  constructor(askMainThread: MainThreadMapLookup) {
    this.#askMainThread = askMainThread;
  }

  /**
   * Maps every frame it can. With `mainThreadFree` false (the main thread is still blocked) only
   * disk maps and maps already cached are used, and TypeScript frames left in transpiled
   * positions are flagged `unmapped`.
   */
  async resolve(frames: readonly RawFrame[], mainThreadFree: boolean): Promise<BlockFrame[]> {
    const files = new Set(frames.map((frame) => scriptPath(frame.file)).filter((file) => file !== null));
    await Promise.all([...files].map((file) => this.#load(file, mainThreadFree)));
    return frames.map((frame) => this.#map(frame));
  }

  #map(frame: RawFrame): BlockFrame {
    const path = scriptPath(frame.file);
    const out: BlockFrame = { fn: frame.fn, file: path ?? frame.file, line: frame.line, col: frame.col };
    if (path === null) return out;
    const loaded = this.#cache.get(path);
    if (loaded == null) {
      if (TYPESCRIPT_FILE.test(path) && loaded === undefined) out.unmapped = true;
      return out;
    }
    const entry = loaded.map.findEntry(frame.line - 1, frame.col - 1);
    if (!("originalSource" in entry) || typeof entry.originalSource !== "string") return out;
    out.file = sourcePath(entry.originalSource, loaded.baseUrl);
    out.line = entry.originalLine + 1;
    out.col = entry.originalColumn + 1;
    return out;
  }

  async #load(path: string, mainThreadFree: boolean): Promise<void> {
    if (this.#cache.has(path)) return;
    let loaded: LoadedMap | null = null;
    try {
      loaded = JAVASCRIPT_FILE.test(path) ? await mapFromDisk(path) : null;
      if (loaded === null && !mainThreadFree) return; // Ask again once the main thread can answer.
      loaded ??= await this.#mapFromMainThread(path);
    } catch {
      loaded = null;
    }
    if (this.#cache.size >= MAX_CACHED_FILES) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(path, loaded);
  }

  async #mapFromMainThread(path: string): Promise<LoadedMap | null> {
    const payload = await this.#askMainThread(path);
    return payload === null ? null : loadedMap(payload, pathToFileURL(path));
  }
}

/** Absolute path of a frame's script, or null for builtins, `node:` modules and eval code. */
export function scriptPath(file: string): string | null {
  if (file.startsWith("file://")) {
    try {
      return fileURLToPath(file);
    } catch {
      return null;
    }
  }
  return file.startsWith("/") ? file : null;
}

async function mapFromDisk(scriptFile: string): Promise<LoadedMap | null> {
  const info = await stat(scriptFile);
  if (!info.isFile() || info.size > MAX_SCRIPT_BYTES) return null;
  const text = (await readFile(scriptFile, "utf8")).trimEnd();
  const lastLine = text.slice(text.lastIndexOf("\n") + 1);
  const reference = SOURCE_MAPPING_URL.exec(lastLine)?.[1];
  if (reference === undefined) return null;
  const scriptUrl = pathToFileURL(scriptFile);
  if (reference.startsWith("data:")) return loadedMap(decodeDataUrl(reference), scriptUrl);
  const mapUrl = new URL(reference, scriptUrl);
  if (mapUrl.protocol !== "file:") return null;
  const mapInfo = await stat(mapUrl);
  if (!mapInfo.isFile() || mapInfo.size > MAX_MAP_BYTES) return null;
  return loadedMap(JSON.parse(await readFile(mapUrl, "utf8")), mapUrl);
}

function decodeDataUrl(url: string): unknown {
  const comma = url.indexOf(",");
  if (comma < 0) return null;
  const header = url.slice(5, comma);
  if (!header.startsWith("application/json")) return null;
  const data = url.slice(comma + 1);
  const text = header.endsWith(";base64") ? Buffer.from(data, "base64").toString("utf8") : decodeURIComponent(data);
  return JSON.parse(text);
}

/** A map from untrusted JSON, with the URL its relative `sources` are resolved from. */
function loadedMap(payload: unknown, mapUrl: URL): LoadedMap | null {
  const map = parseMap(payload);
  if (map === null) return null;
  const root = (payload as { sourceRoot?: unknown }).sourceRoot;
  if (typeof root !== "string" || root === "") return { map, baseUrl: mapUrl };
  try {
    // Node's SourceMap ignores sourceRoot; sources are relative to it, itself relative to the map.
    return { map, baseUrl: new URL(root.endsWith("/") ? root : `${root}/`, mapUrl) };
  } catch {
    return { map, baseUrl: mapUrl };
  }
}

/** A SourceMap from untrusted JSON, or null when it is not a usable v3 map. */
export function parseMap(payload: unknown): SourceMap | null {
  if (typeof payload !== "object" || payload === null) return null;
  const { version, sources, mappings, names, sourceRoot, file } = payload as Record<string, unknown>;
  if (version !== 3 || typeof mappings !== "string" || !Array.isArray(sources)) return null;
  if (!sources.every((source) => typeof source === "string" || source === null)) return null;
  try {
    return new SourceMap({
      version: 3,
      sources: sources as string[],
      mappings,
      names: Array.isArray(names) ? (names.filter((name) => typeof name === "string") as string[]) : [],
      sourceRoot: typeof sourceRoot === "string" ? sourceRoot : "",
      file: typeof file === "string" ? file : "",
      sourcesContent: [],
    });
  } catch {
    return null;
  }
}

function sourcePath(source: string, baseUrl: URL): string {
  try {
    const url = new URL(source, baseUrl);
    return url.protocol === "file:" ? fileURLToPath(url) : url.href;
  } catch {
    return source;
  }
}
