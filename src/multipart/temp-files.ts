import { randomUUID } from "node:crypto";
import { open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * The temporary files of one request. Every file is created here and removed by
 * {@link TempFiles.removeAll}, which the server calls after the response is sent, whatever happened
 * (handler error, client gone, body rejected half-way).
 */
export class TempFiles {
  readonly #directory: string;
  readonly #paths = new Set<string>();

  constructor(directory: string | undefined) {
    this.#directory = directory ?? tmpdir();
  }

  /** Creates an empty file only this process can read (mode 0600, never an existing file). */
  async create(): Promise<{ path: string; handle: FileHandle }> {
    const file = path.join(this.#directory, `loopwise-upload-${randomUUID()}`);
    this.#paths.add(file);
    const handle = await open(file, "wx", 0o600);
    return { path: file, handle };
  }

  /** Removes every file created so far. */
  async removeAll(): Promise<void> {
    const paths = [...this.#paths];
    this.#paths.clear();
    await Promise.all(paths.map((p) => rm(p, { force: true })));
  }
}
