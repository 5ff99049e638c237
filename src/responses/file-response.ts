import { randomBytes } from "node:crypto";
import { stat as statFile } from "node:fs/promises";
import type { Stats } from "node:fs";
import { decideRange, type ByteRange } from "./byte-ranges.js";
import { fileEtag, httpDate, ifRangeAllows, isNotModified } from "./conditional.js";
import { contentDisposition } from "./content-disposition.js";
import { fileChunks, type FileIdentity, type RangeFraming } from "./file-body.js";
import { guessMediaType } from "./media-types.js";
import { prepareSymbol, type PreparableResponse, type RequestHead } from "./prepare.js";
import { Response, type ResponseInit } from "./response.js";
import { Buffer } from "node:buffer";

/** Options of a {@link FileResponse}. */
export interface FileResponseInit extends ResponseInit {
  /** Offer the file for download under this name (sets `Content-Disposition`). */
  filename?: string;
  /** `attachment` (download, the default) or `inline` (display in the browser). */
  contentDispositionType?: "attachment" | "inline";
  /** The file's stats when already known (saves a `stat` call). */
  stat?: Stats;
  /** Bytes read from disk per chunk (default 64 KiB). */
  chunkSize?: number;
}

const NOT_MODIFIED_KEEPS = new Set(["cache-control", "content-location", "date", "etag", "expires", "vary", "last-modified", "set-cookie"]);

/**
 * Streams a file from disk with what browsers and download managers expect: `Content-Length`,
 * a media type from the extension, `ETag` and `Last-Modified` (a matching `If-None-Match` or
 * `If-Modified-Since` gets 304), byte ranges (`Range` → 206, several ranges →
 * `multipart/byteranges`, beyond the end → 416, `If-Range` honoured), `HEAD` without reading the
 * file, and a `Content-Disposition` with a UTF-8 name when `filename` is given. Memory stays
 * bounded whatever the file size: chunks are read only as fast as the client takes them.
 *
 * @example
 * app.get("/reports/{id}", ({ path }) =>
 *   new FileResponse(`/srv/reports/${path.id}.pdf`, { filename: `Report ${path.id}.pdf` }),
 * );
 */
export class FileResponse extends Response implements PreparableResponse {
  /** The file sent. */
  readonly path: string;
  readonly #stat: Stats | undefined;
  readonly #chunkSize: number;
  #prepared = false;

  constructor(path: string, init: FileResponseInit = {}) {
    const { filename, contentDispositionType, stat, chunkSize, ...rest } = init;
    super(null, { mediaType: guessMediaType(filename ?? path), ...rest });
    this.path = path;
    this.#stat = stat;
    this.#chunkSize = chunkSize ?? 64 * 1024;
    if (!(this.#chunkSize > 0)) throw new RangeError(`chunkSize must be positive, got ${chunkSize}`);
    if (filename !== undefined && this.headers["content-disposition"] === undefined) {
      this.headers["content-disposition"] = contentDisposition(contentDispositionType ?? "attachment", filename);
    } else if (contentDispositionType === "inline" && this.headers["content-disposition"] === undefined) {
      this.headers["content-disposition"] = "inline";
    }
  }

  /** Decides status, headers and body from the file and the request's conditional and range headers. */
  async [prepareSymbol](req: RequestHead): Promise<void> {
    if (this.#prepared) return;
    this.#prepared = true;
    let stats: Stats;
    try {
      stats = this.#stat ?? (await statFile(this.path));
    } catch (error) {
      throw new Error(`FileResponse: cannot read ${this.path}`, { cause: error });
    }
    if (!stats.isFile()) throw new Error(`FileResponse: ${this.path} is not a regular file`);
    const identity: FileIdentity = { size: stats.size, mtimeMs: stats.mtimeMs, dev: stats.dev, ino: stats.ino };
    const headers = this.headers;
    headers["etag"] ??= fileEtag(identity);
    headers["last-modified"] ??= httpDate(identity.mtimeMs);
    headers["accept-ranges"] ??= "bytes";
    const etag = String(headers["etag"]);
    const whole: ByteRange[] = identity.size > 0 ? [{ start: 0, end: identity.size - 1 }] : [];

    if (this.status === 200 && (req.method === "GET" || req.method === "HEAD")) {
      if (isNotModified(req.headers, etag, identity.mtimeMs)) {
        this.status = 304;
        for (const name of Object.keys(headers)) if (!NOT_MODIFIED_KEEPS.has(name)) delete headers[name];
        return;
      }
      const range = req.headers["range"];
      if (req.method === "GET" && typeof range === "string" && ifRangeAllows(req.headers["if-range"], etag, identity.mtimeMs)) {
        const decision = decideRange(range, identity.size);
        if (decision.kind === "unsatisfiable") {
          this.status = 416;
          headers["content-range"] = `bytes */${identity.size}`;
          headers["content-length"] = "0";
          return;
        }
        if (decision.kind === "ranges") {
          this.status = 206;
          if (decision.ranges.length === 1) {
            const { start, end } = decision.ranges[0]!;
            headers["content-range"] = `bytes ${start}-${end}/${identity.size}`;
            this.#streamRanges(identity, decision.ranges);
          } else {
            this.#streamMultipart(identity, decision.ranges);
          }
          return;
        }
      }
    }
    this.#streamRanges(identity, whole);
  }

  #streamRanges(identity: FileIdentity, ranges: ByteRange[], framing?: RangeFraming): void {
    let length = 0;
    for (const { start, end } of ranges) length += end - start + 1;
    if (framing) length += framing.before.reduce((sum, text) => sum + Buffer.byteLength(text), 0) + Buffer.byteLength(framing.after);
    this.headers["content-length"] = String(length);
    this.body = length === 0 ? null : fileChunks(this.path, identity, ranges, this.#chunkSize, framing);
  }

  #streamMultipart(identity: FileIdentity, ranges: ByteRange[]): void {
    const boundary = randomBytes(12).toString("hex");
    const partType = String(this.headers["content-type"] ?? "application/octet-stream");
    const before = ranges.map(
      ({ start, end }, i) => `${i === 0 ? "" : "\r\n"}--${boundary}\r\ncontent-type: ${partType}\r\ncontent-range: bytes ${start}-${end}/${identity.size}\r\n\r\n`,
    );
    this.headers["content-type"] = `multipart/byteranges; boundary=${boundary}`;
    this.#streamRanges(identity, ranges, { before, after: `\r\n--${boundary}--\r\n` });
  }
}
