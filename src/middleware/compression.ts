import { promisify } from "node:util";
import zlib from "node:zlib";
import type { Request } from "../request.js";
import { appendHeader } from "../responses/headers.js";
import type { Response } from "../responses/response.js";
import { negotiateCoding, type Coding } from "./accept-encoding.js";
import type { Middleware } from "./middleware.js";
import { Buffer } from "node:buffer";

/** Options of {@link compression}. */
export interface CompressionOptions {
  /** Bodies smaller than this many bytes are sent as is (default 500, as Starlette's GZipMiddleware). */
  minimumSize?: number;
  /** Codings offered, in order of preference when the client weighs them equally (default br, gzip). */
  codings?: Coding[];
  /** gzip level 1–9 (default 6). */
  gzipLevel?: number;
  /** Brotli quality 0–11 (default 4: good ratio at a speed fit for dynamic responses). */
  brotliQuality?: number;
  /** More media types never to compress, besides the built-in already-compressed ones (prefix match). */
  excludeMediaTypes?: string[];
}

// Already compressed (so compressing again only costs CPU), or a stream that must not be held back.
const NEVER = [
  "text/event-stream",
  "image/",
  "audio/",
  "video/",
  "font/woff",
  "application/zip",
  "application/gzip",
  "application/x-gzip",
  "application/x-bzip2",
  "application/x-xz",
  "application/zstd",
  "application/x-7z-compressed",
  "application/x-rar-compressed",
  "application/wasm",
];
// Images that are text.
const ALWAYS = ["image/svg+xml", "image/bmp", "image/vnd.microsoft.icon", "image/x-icon"];

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/**
 * Compresses responses with Brotli or gzip, whichever the client's `Accept-Encoding` prefers.
 * Skips small bodies, already-compressed media types, Server-Sent Events, partial content (206),
 * responses that already have a `Content-Encoding`, and HEAD. Streams (JSON Lines, files) are
 * compressed chunk by chunk and flushed after each chunk, so they keep streaming and keep their
 * backpressure. A compressed response's strong `ETag` becomes weak, and `Vary: Accept-Encoding`
 * is set on every response of a compressible type.
 *
 * @example
 * app.use(compression({ minimumSize: 1024 }));
 */
export function compression(options: CompressionOptions = {}): Middleware {
  const minimumSize = options.minimumSize ?? 500;
  const codings = options.codings ?? ["br", "gzip"];
  const gzipLevel = options.gzipLevel ?? 6;
  const brotliQuality = options.brotliQuality ?? 4;
  const never = [...NEVER, ...(options.excludeMediaTypes ?? [])].map((t) => t.toLowerCase());
  const compressible = (contentType: string | string[] | undefined) => {
    if (contentType === undefined) return true;
    const type = String(contentType).split(";", 1)[0]!.trim().toLowerCase();
    return ALWAYS.includes(type) || !never.some((prefix) => type.startsWith(prefix));
  };
  const brotliParams = { [zlib.constants.BROTLI_PARAM_QUALITY]: brotliQuality };

  return async (req, next) => {
    const response = await next();
    if (!eligible(req, response) || !compressible(response.headers["content-type"])) return response;
    appendHeader(response.headers, "vary", "Accept-Encoding");
    const coding = negotiateCoding(req.headers["accept-encoding"], codings);
    if (coding === undefined) return response;
    const body = response.body;
    if (body === null) return response;
    if (typeof body === "string" || body instanceof Uint8Array) {
      const size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
      if (size < minimumSize) return response;
      response.body =
        coding === "br" ? await brotli(body, { params: brotliParams }) : await gzip(body, { level: gzipLevel });
      response.headers["content-length"] = String(response.body.byteLength);
    } else {
      const declared = response.headers["content-length"];
      if (declared !== undefined && Number(declared) < minimumSize) return response;
      response.body = compressStream(body, () =>
        coding === "br" ? zlib.createBrotliCompress({ params: brotliParams }) : zlib.createGzip({ level: gzipLevel }),
      coding);
      delete response.headers["content-length"];
    }
    response.headers["content-encoding"] = coding;
    const etag = response.headers["etag"];
    if (typeof etag === "string" && etag.startsWith('"')) response.headers["etag"] = `W/${etag}`;
    return response;
  };
}

function eligible(req: Request, response: Response): boolean {
  const status = response.status;
  return (
    req.method !== "HEAD" &&
    status >= 200 &&
    status !== 204 &&
    status !== 206 &&
    status !== 304 &&
    response.headers["content-encoding"] === undefined &&
    response.headers["content-range"] === undefined
  );
}

/**
 * Compresses a stream one chunk at a time: each input chunk is written and flushed before the next
 * is pulled, so nothing piles up inside and a slow client still slows the producer down.
 */
async function* compressStream(
  source: AsyncIterable<Uint8Array | string>,
  create: () => zlib.Gzip | zlib.BrotliCompress,
  coding: Coding,
): AsyncGenerator<Buffer> {
  const stream = create();
  const output: Buffer[] = [];
  let failure: Error | undefined;
  stream.on("data", (chunk: Buffer) => output.push(chunk));
  stream.on("error", (error) => {
    failure = error;
  });
  const flushKind = coding === "br" ? zlib.constants.BROTLI_OPERATION_FLUSH : zlib.constants.Z_SYNC_FLUSH;
  const take = () => {
    if (failure) throw failure;
    const out = output.length === 1 ? output[0]! : Buffer.concat(output);
    output.length = 0;
    return out;
  };
  try {
    for await (const chunk of source) {
      if ((typeof chunk === "string" ? chunk.length : chunk.byteLength) === 0) continue;
      stream.write(chunk);
      await new Promise<void>((resolve) => stream.flush(flushKind, () => resolve()));
      const out = take();
      if (out.byteLength > 0) yield out;
    }
    await new Promise<void>((resolve, reject) => {
      stream.once("end", resolve);
      stream.once("error", reject);
      stream.end();
    });
    const rest = take();
    if (rest.byteLength > 0) yield rest;
  } finally {
    stream.destroy();
  }
}
