import type { HeaderMap } from "../responses/headers.js";

/** A response received by the {@link TestClient}. */
export class TestResponse {
  readonly status: number;
  /** Lowercase header names; repeated headers (Set-Cookie) are arrays. */
  readonly headers: HeaderMap;
  /** The raw body bytes (empty for HEAD, 204, 304). */
  readonly body: Buffer;
  /** The URL that produced this response (after redirects). */
  readonly url: string;
  /** Responses of the redirects followed to get here, oldest first. */
  readonly history: TestResponse[];

  constructor(status: number, headers: HeaderMap, body: Buffer, url: string, history: TestResponse[] = []) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.url = url;
    this.history = history;
  }

  /** The body decoded as UTF-8. */
  get text(): string {
    return this.body.toString("utf8");
  }

  /** The body parsed as JSON. */
  json<T = any>(): T {
    return JSON.parse(this.text) as T;
  }

  /** One header's value (the first, if repeated). */
  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }
}
