import { parseFormBody } from "../params/form-body.js";
import type { Request } from "../request.js";
import type { ResolvedUploadLimits } from "./limits.js";
import { parseMultipart, type ParsedForm } from "./parse-multipart.js";
import { TempFiles } from "./temp-files.js";

/** How a route reads a form body. */
export interface FormReadOptions {
  /** Limit of a urlencoded body, in bytes. */
  bodyLimit: number;
  /** Limits of a multipart body. */
  uploads: ResolvedUploadLimits;
  /** Whether file parts are kept (a route with `files`) or skipped. */
  acceptFiles: boolean;
}

const read = new WeakMap<Request, Promise<ParsedForm>>();

/**
 * The form of a request — `multipart/form-data` streamed through the upload limits, or
 * urlencoded read whole — parsed once and shared by the route and its dependencies. Temporary
 * files are removed at the end of the request, whatever happens.
 */
export function readRequestForm(req: Request, options: FormReadOptions): Promise<ParsedForm> {
  let form = read.get(req);
  if (!form) {
    form = parse(req, options);
    read.set(req, form);
  }
  return form;
}

async function parse(req: Request, options: FormReadOptions): Promise<ParsedForm> {
  const contentType = req.headers["content-type"];
  if (typeof contentType === "string" && /^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) {
    const temp = new TempFiles(options.uploads.tempDirectory);
    req.addCleanup(() => temp.removeAll());
    return parseMultipart(req.bodySource.stream(), contentType, options.uploads, temp, options.acceptFiles);
  }
  return { fields: parseFormBody(contentType, await req.bytes(options.bodyLimit)), files: Object.create(null) };
}
