import type { ValidationIssue, Validated } from "../schema/types.js";
import type { UploadFile } from "./upload-file.js";

const brand: unique symbol = Symbol("loopwise.fileParam");

/** A declared file parameter: one file or a list, required or optional. */
export interface FileParam<Many extends boolean = boolean, Optional extends boolean = boolean> {
  readonly [brand]: true;
  readonly many: Many;
  readonly optional: Optional;
  /** OpenAPI description. */
  readonly description: string | undefined;
}

/** The `files` route option: file parameter names and what each expects. */
export type FilesShape = Record<string, FileParam>;

/** The handler's `files`: an {@link UploadFile}, a list, or `undefined` for an optional one not sent. */
export type InferFiles<S extends FilesShape | undefined> = S extends FilesShape
  ? {
      [K in keyof S]: S[K] extends FileParam<true, boolean>
        ? UploadFile[]
        : S[K] extends FileParam<false, true>
          ? UploadFile | undefined
          : UploadFile;
    }
  : {};

/**
 * Declares one uploaded file (FastAPI's `file: UploadFile`); `{ optional: true }` for
 * `UploadFile | None = None`.
 *
 * @example
 * app.post("/upload", { files: { document: uploadFile(), cover: uploadFile({ optional: true }) } }, ({ files }) => ({
 *   name: files.document.filename,
 *   hasCover: files.cover !== undefined,
 * }));
 */
export function uploadFile(options?: { optional?: false; description?: string }): FileParam<false, false>;
export function uploadFile(options: { optional: true; description?: string }): FileParam<false, true>;
export function uploadFile(options: { optional?: boolean; description?: string } = {}): FileParam<false, boolean> {
  return { [brand]: true, many: false, optional: options.optional ?? false, description: options.description };
}

/**
 * Declares a list of uploaded files under one name (FastAPI's `files: list[UploadFile]`). At least
 * one is required unless `{ optional: true }`, which gives an empty list when none was sent.
 *
 * @example
 * app.post("/photos", { files: { photos: uploadFiles() } }, ({ files }) => files.photos.map((f) => f.filename));
 */
export function uploadFiles(options?: { optional?: false; description?: string }): FileParam<true, false>;
export function uploadFiles(options: { optional: true; description?: string }): FileParam<true, true>;
export function uploadFiles(options: { optional?: boolean; description?: string } = {}): FileParam<true, boolean> {
  return { [brand]: true, many: true, optional: options.optional ?? false, description: options.description };
}

/** Whether a value was made by {@link uploadFile} or {@link uploadFiles}. */
export function isFileParam(value: unknown): value is FileParam {
  return typeof value === "object" && value !== null && (value as Partial<FileParam>)[brand] === true;
}

/**
 * Picks the declared files out of a parsed form, with FastAPI's errors: `missing` for a required
 * file not sent, and `value_error` when a plain text field came under a file's name.
 */
export function validateFiles(
  shape: FilesShape,
  files: Readonly<Record<string, UploadFile[]>>,
  fields: Readonly<Record<string, string | string[]>>,
): Validated<Record<string, unknown>> {
  const value: Record<string, unknown> = {};
  let issues: ValidationIssue[] | undefined;
  for (const name of Object.keys(shape)) {
    const param = shape[name]!;
    const received = Object.hasOwn(files, name) ? files[name]! : [];
    if (received.length > 0) {
      value[name] = param.many ? received : received[received.length - 1];
      continue;
    }
    const text = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (text !== undefined) {
      const input = Array.isArray(text) ? text[text.length - 1] : text;
      (issues ??= []).push({
        type: "value_error",
        loc: ["body", name],
        msg: "Value error, Expected UploadFile, received: <class 'str'>",
        input,
        ctx: { error: {} },
      });
    } else if (param.optional) {
      value[name] = param.many ? [] : undefined;
    } else {
      (issues ??= []).push({ type: "missing", loc: ["body", name], msg: "Field required", input: null });
    }
  }
  return issues ? { ok: false, issues } : { ok: true, value };
}
