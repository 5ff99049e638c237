// Correctness gate before a server is loaded: a server that answers the benchmarked request
// wrongly (a 404, a 500, a 422 for a valid body) would produce a meaningless, flattering figure.
import { isDeepStrictEqual } from "node:util";

export interface ExpectedExchange {
  method: string;
  path: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
  status: number;
  /** When given, the response body must be JSON deeply equal to this. */
  json?: unknown;
}

/**
 * Sends one request to `origin` and throws a descriptive Error unless the status (and the JSON
 * body, when `expected.json` is set) match.
 *
 * @example
 * await expectExchange(server.origin, { method: "GET", path: "/", status: 200, json: { message: "Hello World" } });
 */
export async function expectExchange(origin: string, expected: ExpectedExchange): Promise<void> {
  const init: RequestInit = { method: expected.method, signal: AbortSignal.timeout(5000) };
  if (expected.headers) init.headers = { ...expected.headers };
  if (expected.body !== undefined) init.body = expected.body;
  const response = await fetch(`${origin}${expected.path}`, init);
  const text = await response.text();
  const what = `${expected.method} ${expected.path}`;
  if (response.status !== expected.status) {
    throw new Error(`${what} answered ${response.status}, expected ${expected.status}: ${text.slice(0, 300)}`);
  }
  if (expected.json === undefined) return;
  let actual: unknown;
  try {
    actual = JSON.parse(text);
  } catch {
    throw new Error(`${what} answered a body that is not JSON: ${text.slice(0, 300)}`);
  }
  if (!isDeepStrictEqual(actual, expected.json)) {
    throw new Error(`${what} answered ${text.slice(0, 300)}, expected ${JSON.stringify(expected.json)}`);
  }
}
