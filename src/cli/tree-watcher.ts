import { readdirSync, statSync, watch, type Dirent, type FSWatcher } from "node:fs";
import path from "node:path";

/** Folders never watched: dependencies, VCS data, build output. Dot-folders are skipped too. */
const SKIPPED_DIRS = new Set(["node_modules", "dist", "build", "coverage"]);
/** Files whose change restarts the app. */
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json)$/;
/** A bound on the folders watched, so a wrong --reload-dir (/, ~) cannot exhaust inotify. */
const MAX_DIRS = 2000;

/** Settings of a {@link TreeWatcher}. */
export interface TreeWatcherOptions {
  /** Changes within this many ms are reported together, once (editors write in bursts). */
  debounceMs?: number;
  /** Called for folders beyond the bound, unreadable folders, and similar. */
  onWarning?: (message: string) => void;
}

function skippedDir(name: string): boolean {
  return SKIPPED_DIRS.has(name) || name.startsWith(".");
}

/**
 * Watches source files under some folders, recursively, without following node_modules, dot
 * folders or build output (Node's `recursive` watch cannot exclude anything, and a project's
 * node_modules holds thousands of folders). One non-recursive `fs.watch` per folder; new folders
 * are picked up as they appear.
 *
 * @example
 * const watcher = new TreeWatcher(["src"], (files) => console.log("changed:", files));
 * watcher.start();
 * // later
 * watcher.close();
 */
export class TreeWatcher {
  readonly #roots: string[];
  readonly #onChange: (files: string[]) => void;
  readonly #debounceMs: number;
  readonly #warn: (message: string) => void;
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #changed = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #warnedBound = false;

  constructor(roots: readonly string[], onChange: (files: string[]) => void, options: TreeWatcherOptions = {}) {
    this.#roots = roots.map((root) => path.resolve(root));
    this.#onChange = onChange;
    this.#debounceMs = options.debounceMs ?? 100;
    this.#warn = options.onWarning ?? (() => {});
  }

  /** How many folders are watched. */
  get size(): number {
    return this.#watchers.size;
  }

  start(): void {
    for (const root of this.#roots) this.#addTree(root);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  #addTree(dir: string): void {
    if (this.#closed || this.#watchers.has(dir)) return;
    if (this.#watchers.size >= MAX_DIRS) {
      if (!this.#warnedBound) this.#warn(`watching the first ${MAX_DIRS} folders only; use --reload-dir to narrow it`);
      this.#warnedBound = true;
      return;
    }
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: true }, (_event, name) => {
        if (name !== null) this.#onEvent(dir, name.toString());
      });
    } catch (error) {
      this.#warn(`cannot watch ${dir}: ${(error as Error).message}`);
      return;
    }
    // The folder was removed or became unreadable: stop watching it, quietly.
    watcher.on("error", () => this.#removeTree(dir));
    this.#watchers.set(dir, watcher);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !skippedDir(entry.name)) this.#addTree(path.join(dir, entry.name));
    }
  }

  #removeTree(dir: string): void {
    for (const [watched, watcher] of this.#watchers) {
      if (watched === dir || watched.startsWith(dir + path.sep)) {
        watcher.close();
        this.#watchers.delete(watched);
      }
    }
  }

  #onEvent(dir: string, name: string): void {
    if (this.#closed) return;
    const full = path.join(dir, name);
    if (SOURCE_FILE.test(name) && !name.startsWith(".")) {
      this.#changed.add(full);
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.#flush(), this.#debounceMs);
      return;
    }
    if (skippedDir(name)) return;
    // Not a source file: maybe a new folder, whose files must be watched from now on.
    try {
      if (statSync(full).isDirectory()) this.#addTree(full);
    } catch {
      this.#removeTree(full);
    }
  }

  #flush(): void {
    const files = [...this.#changed].sort();
    this.#changed.clear();
    if (files.length > 0 && !this.#closed) this.#onChange(files);
  }
}
