import { createReadStream } from "node:fs";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { Readable } from "node:stream";
import type { TempFiles } from "./temp-files.js";

/** Where an upload's bytes are: in memory (small files) or in a temporary file. */
export type UploadStorage = { kind: "memory"; bytes: Buffer } | { kind: "disk"; path: string };

/**
 * A file received in a `multipart/form-data` body (FastAPI's `UploadFile`). Small files are kept in
 * memory, larger ones in a temporary file; either way the temporary file is deleted once the
 * response has been sent, so copy what you want to keep with {@link UploadFile.saveTo}.
 *
 * @example
 * app.post("/avatar", { files: { image: uploadFile() } }, async ({ files }) => {
 *   await files.image.saveTo(`/srv/avatars/${crypto.randomUUID()}.png`);
 *   return { filename: files.image.filename, size: files.image.size, type: files.image.contentType };
 * });
 */
export class UploadFile {
  /** The name the client gave, without any directory part. */
  readonly filename: string;
  /** The part's `Content-Type` as sent by the client (not checked against the content). */
  readonly contentType: string;
  /** Size in bytes. */
  readonly size: number;
  #storage: UploadStorage;
  readonly #temp: TempFiles;

  constructor(filename: string, contentType: string, size: number, storage: UploadStorage, temp: TempFiles) {
    this.filename = filename;
    this.contentType = contentType;
    this.size = size;
    this.#storage = storage;
    this.#temp = temp;
  }

  /** Whether the content is held in memory (below the spooling threshold). */
  get inMemory(): boolean {
    return this.#storage.kind === "memory";
  }

  /** The whole content. */
  async bytes(): Promise<Buffer> {
    return this.#storage.kind === "memory" ? this.#storage.bytes : readFile(this.#storage.path);
  }

  /** The whole content decoded as UTF-8. */
  async text(): Promise<string> {
    return (await this.bytes()).toString("utf8");
  }

  /** The content as a stream, without loading a spooled file into memory. */
  stream(): Readable {
    return this.#storage.kind === "memory" ? Readable.from([this.#storage.bytes]) : createReadStream(this.#storage.path);
  }

  /**
   * A path to the content on disk, for tools that want one. A file held in memory is written to
   * a temporary file first. The path is deleted after the response; do not keep it.
   */
  async path(): Promise<string> {
    if (this.#storage.kind === "disk") return this.#storage.path;
    const { path, handle } = await this.#temp.create();
    try {
      await handle.writeFile(this.#storage.bytes);
    } finally {
      await handle.close();
    }
    this.#storage = { kind: "disk", path };
    return path;
  }

  /** Copies the content to `destination` (overwriting it). */
  async saveTo(destination: string): Promise<void> {
    if (this.#storage.kind === "memory") await writeFile(destination, this.#storage.bytes);
    else await copyFile(this.#storage.path, destination);
  }

  toJSON(): { filename: string; contentType: string; size: number } {
    return { filename: this.filename, contentType: this.contentType, size: this.size };
  }
}
