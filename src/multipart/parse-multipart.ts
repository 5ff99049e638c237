import { Busboy, type BusboyFileStream, type BusboyInstance } from "@fastify/busboy";
import { HTTPException } from "../errors/http-exception.js";
import type { ResolvedUploadLimits } from "./limits.js";
import { spoolUpload } from "./spool.js";
import type { TempFiles } from "./temp-files.js";
import type { UploadFile } from "./upload-file.js";

/** The fields and files of a form body; repeated names give arrays of fields, lists of files. */
export interface ParsedForm {
  fields: Record<string, string | string[]>;
  files: Record<string, UploadFile[]>;
}

/** 413 for a multipart limit, closing the connection since the rest of the body is not read. */
function tooLarge(detail: string): HTTPException {
  return new HTTPException(413, detail, { connection: "close" });
}

/** FastAPI's answer to a body it cannot parse as a form. */
function malformed(): HTTPException {
  return new HTTPException(400, "There was an error parsing the body", { connection: "close" });
}

/**
 * Parses a `multipart/form-data` body as it streams in, within `limits`: at most `maxTotalSize`
 * bytes are ever read (an endless body is cut there), a part limit is a 413 naming the limit, a
 * malformed body is a 400. On any failure the files received so far are left to `temp`, which
 * the server empties after the response; this function never leaves a part half-read and waiting.
 * An empty body is an empty form (so required fields are reported missing, as in FastAPI).
 */
export async function parseMultipart(
  body: AsyncIterable<Buffer>,
  contentType: string,
  limits: ResolvedUploadLimits,
  temp: TempFiles,
  acceptFiles = true,
): Promise<ParsedForm> {
  const fields: Record<string, string | string[]> = Object.create(null);
  const files: Record<string, UploadFile[]> = Object.create(null);
  const spooling: Promise<void>[] = [];
  const openParts = new Set<BusboyFileStream>();
  let failure: unknown;
  let failed!: (error: unknown) => void;
  const failedSignal = new Promise<never>((_, reject) => {
    failed = reject;
  });
  failedSignal.catch(() => undefined);
  const fail = (error: unknown) => {
    if (failure !== undefined) return;
    failure = error;
    failed(error);
    for (const part of openParts) part.destroy(error instanceof Error ? error : new Error(String(error)));
  };

  let parser: BusboyInstance;
  try {
    parser = Busboy({
      headers: { "content-type": contentType },
      isPartAFile: (_name: string | undefined, _type: string | undefined, filename: string | undefined) => filename !== undefined,
      limits: {
        fileSize: limits.maxFileSize,
        files: limits.maxFiles,
        fields: limits.maxFields,
        fieldSize: limits.maxFieldSize,
        parts: limits.maxParts,
        headerPairs: 100,
        headerSize: 16 * 1024,
      },
    });
  } catch {
    throw malformed();
  }

  parser.on("field", (name, value, _nameTruncated, valueTruncated) => {
    if (name === undefined) return;
    if (valueTruncated) return fail(tooLarge(`The form field '${name}' is larger than the limit of ${limits.maxFieldSize} bytes`));
    const existing = fields[name];
    fields[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  });
  parser.on("file", (name, part, filename, _encoding, mimeType) => {
    // A route without `files` only reads fields; file parts are skipped (still within maxTotalSize).
    if (failure !== undefined || !acceptFiles || name === undefined) {
      part.on("error", () => undefined);
      part.resume();
      return;
    }
    openParts.add(part);
    part.on("limit", () => fail(tooLarge(`The file '${filename}' is larger than the limit of ${limits.maxFileSize} bytes`)));
    spooling.push(
      spoolUpload(part, filename, mimeType, limits.memoryThreshold, temp).then(
        (upload) => {
          openParts.delete(part);
          // Browsers send an empty, nameless part for a file input left empty: that is "no file".
          if (upload.filename === "" && upload.size === 0) return;
          (files[name] ??= []).push(upload);
        },
        (error) => {
          openParts.delete(part);
          fail(failure ?? error);
        },
      ),
    );
  });
  parser.on("partsLimit", () => fail(tooLarge(`The form has more than ${limits.maxParts} parts`)));
  parser.on("filesLimit", () => fail(tooLarge(`The form has more than ${limits.maxFiles} files`)));
  parser.on("fieldsLimit", () => fail(tooLarge(`The form has more than ${limits.maxFields} fields`)));
  parser.on("error", () => fail(malformed()));
  const finished = new Promise<void>((resolve) => parser.on("finish", resolve));

  // Pull the body by hand rather than with `for await`: leaving that loop early would destroy the
  // request, and with it the socket the 413 or 400 must still be written to.
  const iterator = body[Symbol.asyncIterator]();
  let received = 0;
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), failedSignal]);
      if (next.done) break;
      received += next.value.length;
      if (received > limits.maxTotalSize) {
        fail(tooLarge(`The request body is larger than the limit of ${limits.maxTotalSize} bytes`));
        break;
      }
      await Promise.race([new Promise<void>((resolve) => parser.write(next.value, () => resolve())), failedSignal]);
    }
    if (received === 0 && failure === undefined) return { fields, files };
    parser.end();
    await Promise.race([finished, failedSignal]);
    await Promise.race([Promise.all(spooling), failedSignal]);
  } catch (error) {
    // The client vanished mid-body, or a part failed: report the first cause.
    fail(failure ?? (error instanceof HTTPException ? error : malformed()));
  }
  if (failure !== undefined) {
    await Promise.allSettled(spooling);
    throw failure;
  }
  return { fields, files };
}
