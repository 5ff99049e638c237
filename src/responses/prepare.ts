import type { Response } from "./response.js";

/** What a response needs from the request to finish itself: the method and the headers. */
export interface RequestHead {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * The hook of responses that depend on the request they answer: a {@link FileResponse} turns
 * into a 304, a 206 or a 416 depending on `If-None-Match` and `Range`. The route calls it right
 * after the handler returns (so middleware sees the final status and headers); the server calls
 * it again before writing, for responses made elsewhere (middleware, exception handlers).
 */
export const prepareSymbol: unique symbol = Symbol.for("loopwise.prepareResponse");

/** A response with the {@link prepareSymbol} hook. */
export interface PreparableResponse {
  [prepareSymbol](req: RequestHead): Promise<void>;
}

/** Whether `response` still needs the request to become final. */
export function isPreparable(response: Response): response is Response & PreparableResponse {
  return typeof (response as Partial<PreparableResponse>)[prepareSymbol] === "function";
}

/** Runs the response's hook if it has one; calling it twice is harmless. */
export async function prepareResponse(response: Response, req: RequestHead): Promise<void> {
  if (isPreparable(response)) await response[prepareSymbol](req);
}
