import type { Readable } from "node:stream";
import type { FileHandle } from "node:fs/promises";
import type { TempFiles } from "./temp-files.js";
import { UploadFile } from "./upload-file.js";
import { Buffer } from "node:buffer";

/**
 * Receives one file part: kept in memory up to `threshold` bytes, then moved to a temporary file
 * that the rest is appended to. Each chunk is written before the next is read, so a slow disk
 * slows the upload down instead of filling memory.
 */
export async function spoolUpload(
  part: Readable,
  filename: string,
  contentType: string,
  threshold: number,
  temp: TempFiles,
): Promise<UploadFile> {
  let chunks: Buffer[] = [];
  let size = 0;
  let file: { path: string; handle: FileHandle } | undefined;
  try {
    for await (const chunk of part as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (file) {
        await file.handle.write(chunk);
      } else if (size > threshold) {
        file = await temp.create();
        await file.handle.writev([...chunks, chunk]);
        chunks = [];
      } else {
        chunks.push(chunk);
      }
    }
  } finally {
    await file?.handle.close();
  }
  const storage = file ? { kind: "disk" as const, path: file.path } : { kind: "memory" as const, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) };
  return new UploadFile(filename, contentType, size, storage, temp);
}
