import { open } from "node:fs/promises";
import type { ByteRange } from "./byte-ranges.js";
import { Buffer } from "node:buffer";

/** The file as it was when the response headers were decided. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
}

/** Text around each range of a `multipart/byteranges` body; absent for a single range. */
export interface RangeFraming {
  before: string[];
  after: string;
}

/**
 * Reads byte ranges of a file lazily, one chunk per `next()`, so the writer's backpressure is the
 * only thing that decides how much is read. The file is opened on the first chunk (a HEAD or a
 * response replaced by middleware never opens it) and closed when the stream ends or is stopped.
 * If the file is no longer the one whose size and dates were sent in the headers, the stream
 * fails (the writer then cuts the connection) instead of sending a mix of two versions.
 */
export async function* fileChunks(
  path: string,
  identity: FileIdentity,
  ranges: readonly ByteRange[],
  chunkSize: number,
  framing?: RangeFraming,
): AsyncGenerator<Uint8Array | string> {
  const handle = await open(path, "r");
  try {
    const now = await handle.stat();
    if (now.dev !== identity.dev || now.ino !== identity.ino || now.size !== identity.size || now.mtimeMs !== identity.mtimeMs) {
      throw new Error(`${path} changed after its headers were sent`);
    }
    for (let i = 0; i < ranges.length; i++) {
      if (framing) yield framing.before[i]!;
      const { start, end } = ranges[i]!;
      for (let position = start; position <= end; ) {
        const length = Math.min(chunkSize, end - position + 1);
        // A fresh buffer per chunk: the socket may still hold the previous one.
        const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(length), 0, length, position);
        if (bytesRead === 0) throw new Error(`${path} was truncated while being sent`);
        position += bytesRead;
        yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
      }
    }
    if (framing) yield framing.after;
  } finally {
    await handle.close();
  }
}
