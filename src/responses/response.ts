import { appendHeader, toHeaderMap, type HeaderMap } from "./headers.js";
import { serializeCookie, type CookieOptions } from "./cookies.js";

/** A body the server can send: bytes, text, or a stream of chunks. */
export type ResponseBody = Uint8Array | string | AsyncIterable<Uint8Array | string> | null;

/** Status and headers of a response under construction. */
export interface ResponseInit {
  status?: number;
  headers?: Record<string, string | number | readonly string[]>;
  /** Sets `content-type` unless the headers already do. */
  mediaType?: string;
}

/**
 * A response sent as is. Handlers may return one (or a subclass) to take full control; the
 * framework builds one from plain return values.
 *
 * @example
 * app.get("/raw", () => new Response(new Uint8Array([1, 2, 3]), { mediaType: "application/octet-stream" }));
 */
export class Response {
  status: number;
  /** Lowercase header names. */
  headers: HeaderMap;
  body: ResponseBody;

  constructor(body: ResponseBody = null, init: ResponseInit = {}) {
    this.status = init.status ?? 200;
    this.headers = toHeaderMap(init.headers);
    this.body = body;
    if (init.mediaType && this.headers["content-type"] === undefined) this.headers["content-type"] = init.mediaType;
  }

  /** Adds a `Set-Cookie` header. */
  setCookie(name: string, value: string, options?: CookieOptions): this {
    appendHeader(this.headers, "set-cookie", serializeCookie(name, value, options));
    return this;
  }

  /** Tells the client to drop a cookie. */
  deleteCookie(name: string, options: Pick<CookieOptions, "path" | "domain" | "secure" | "httpOnly" | "sameSite"> = {}): this {
    return this.setCookie(name, "", { ...options, maxAge: 0, expires: new Date(0) });
  }
}

/**
 * JSON body; `content` is encoded with `JSON.stringify` unless already a string of JSON
 * (pass `{ raw: true }`).
 *
 * @example
 * return new JSONResponse({ detail: "created" }, { status: 201 });
 */
export class JSONResponse extends Response {
  constructor(content: unknown, init: ResponseInit & { raw?: boolean } = {}) {
    super(init.raw ? (content as string) : (JSON.stringify(content) ?? "null"), { mediaType: "application/json", ...init });
  }
}

/** `text/plain; charset=utf-8`. @example return new PlainTextResponse("ok"); */
export class PlainTextResponse extends Response {
  constructor(content: string, init: ResponseInit = {}) {
    super(content, { mediaType: "text/plain; charset=utf-8", ...init });
  }
}

/** `text/html; charset=utf-8`. @example return new HTMLResponse("<h1>Hi</h1>"); */
export class HTMLResponse extends Response {
  constructor(content: string, init: ResponseInit = {}) {
    super(content, { mediaType: "text/html; charset=utf-8", ...init });
  }
}

/**
 * A redirect, 307 by default (method and body kept, as in Starlette).
 *
 * @example
 * return new RedirectResponse("/login", { status: 303 });
 */
export class RedirectResponse extends Response {
  constructor(url: string, init: Omit<ResponseInit, "mediaType"> = {}) {
    super(null, { status: 307, ...init });
    this.headers["location"] = encodeURI(decodeURIComponentSafe(url));
  }
}

function decodeURIComponentSafe(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}
