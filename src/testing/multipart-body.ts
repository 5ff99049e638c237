import { randomBytes } from "node:crypto";
import { Buffer } from "node:buffer";

/** A file to upload with the TestClient. */
export interface TestFile {
  filename: string;
  content: string | Uint8Array;
  /** Default `application/octet-stream`. */
  contentType?: string;
}

type FieldValue = string | number | boolean;

// As browsers do (HTML's multipart/form-data encoding): quotes and line breaks in names are escaped.
function quoteName(name: string): string {
  return `"${name.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A")}"`;
}

/**
 * Encodes fields and files as a `multipart/form-data` body, as a browser submitting a form does.
 *
 * @example
 * const { body, contentType } = encodeMultipart({ title: "x" }, { file: { filename: "a.txt", content: "hi" } });
 */
export function encodeMultipart(
  fields: Record<string, FieldValue | FieldValue[]>,
  files: Record<string, TestFile | TestFile[]>,
): { body: Buffer; contentType: string } {
  const boundary = `----loopwise${randomBytes(12).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name=${quoteName(name)}\r\n\r\n${String(one)}\r\n`));
    }
  }
  for (const [name, value] of Object.entries(files)) {
    for (const file of Array.isArray(value) ? value : [value]) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name=${quoteName(name)}; filename=${quoteName(file.filename)}\r\n` +
            `content-type: ${file.contentType ?? "application/octet-stream"}\r\n\r\n`,
        ),
        Buffer.from(file.content),
        Buffer.from("\r\n"),
      );
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
