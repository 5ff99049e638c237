import type { Request } from "../request.js";
import { Response } from "../responses/response.js";
import type { ResponseSettings } from "./route-options.js";

const NO_DEPS: Record<string, unknown> = Object.freeze(Object.create(null));

/**
 * The object handed to a handler. One class for every route keeps the hot path monomorphic;
 * `res` and `signal` are created only when a handler touches them.
 */
export class HandlerContextImpl {
  path: Record<string, unknown> = NO_DEPS;
  query: Record<string, unknown> = NO_DEPS;
  headers: Record<string, unknown> = NO_DEPS;
  cookies: Record<string, unknown> = NO_DEPS;
  body: unknown = undefined;
  form: Record<string, unknown> = NO_DEPS;
  /** Uploaded files (`UploadFile` objects) by declared name. */
  files: Record<string, unknown> = NO_DEPS;
  deps: Record<string, unknown> = NO_DEPS;
  readonly req: Request;
  /** The JSON body / form fields, read and parsed once and shared with the route's dependencies. */
  jsonBody: Promise<unknown> | undefined;
  formFields: Promise<Record<string, string | string[]>> | undefined;
  #res: Response | undefined;
  readonly #defaultStatus: number;

  constructor(req: Request, defaultStatus: number) {
    this.req = req;
    this.#defaultStatus = defaultStatus;
  }

  get res(): ResponseSettings {
    return (this.#res ??= new Response(null, { status: this.#defaultStatus }));
  }

  get signal(): AbortSignal {
    return this.req.signal;
  }

  /** The response settings if a handler or dependency touched them. */
  get touchedResponse(): Response | undefined {
    return this.#res;
  }
}
