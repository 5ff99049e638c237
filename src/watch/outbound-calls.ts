import diagnosticsChannel from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import { inFlightTable } from "./in-flight.js";
import { requestContext } from "./request-context.js";
import { MAX_CALL_URL_CHARS, type OutboundCall, type RequestProfile } from "./request-profile.js";
import { performance } from "node:perf_hooks";

/**
 * Outbound HTTP calls seen on `diagnostics_channel`: undici's (Node's global `fetch`) and
 * `node:http`'s client. A call's start event runs synchronously in the code that makes the call,
 * so the request context there names the request it belongs to; later events find the call
 * through the client's request object. Nothing is recorded for code outside a watched request.
 */

interface OpenCall {
  readonly profile: RequestProfile;
  readonly call: OutboundCall;
}

const open = new WeakMap<object, OpenCall>();

interface UndiciRequest {
  method?: string;
  origin?: string | URL;
  path?: string;
}

function begin(key: object, method: unknown, url: string, client: OutboundCall["client"]): void {
  const ctx = requestContext.getStore();
  const profile = ctx?.profile;
  if (profile === undefined || profile.endedAt !== 0) return;
  const call: OutboundCall = {
    method: typeof method === "string" ? method.slice(0, 16) : "GET",
    url: url.length > MAX_CALL_URL_CHARS ? url.slice(0, MAX_CALL_URL_CHARS) : url,
    client,
    startMs: performance.now() - profile.startedAt,
    headersMs: undefined,
    endMs: undefined,
    status: undefined,
    error: undefined,
  };
  if (!profile.addCall(call)) return;
  open.set(key, { profile, call });
  mirror(profile);
}

function headers(key: object, status: unknown): void {
  const entry = open.get(key);
  if (entry === undefined) return;
  entry.call.headersMs = performance.now() - entry.profile.startedAt;
  if (typeof status === "number") entry.call.status = status;
}

function end(key: object, error?: unknown): void {
  const entry = open.get(key);
  if (entry === undefined) return;
  open.delete(key);
  const { call, profile } = entry;
  call.endMs = performance.now() - profile.startedAt;
  if (error !== undefined) call.error = errorText(error);
  mirror(profile);
}

/** Tells the in-flight table which call the request now waits for. */
function mirror(profile: RequestProfile): void {
  if (profile.slot >= 0 && profile.endedAt === 0) inFlightTable().setOutbound(profile.slot, profile.currentCall, profile.startedAt);
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 200);
}

/** Subscribers must never throw into the code making the call. */
function guarded<T>(handle: (message: T) => void): (message: unknown) => void {
  return (message) => {
    try {
      handle(message as T);
    } catch {
      // A shape we did not expect (another undici version): the call is just not profiled.
    }
  };
}

function undiciUrl(request: UndiciRequest): string {
  const origin = request.origin === undefined ? "" : String(request.origin);
  return `${origin.endsWith("/") ? origin.slice(0, -1) : origin}${request.path ?? ""}`;
}

function httpUrl(request: ClientRequest): string {
  const host = request.getHeader("host") ?? request.host;
  return `${request.protocol}//${String(host)}${request.path}`;
}

const SUBSCRIPTIONS: [channel: string, handler: (message: unknown) => void][] = [
  ["undici:request:create", guarded<{ request: UndiciRequest }>(({ request }) => begin(request, request.method, undiciUrl(request), "fetch"))],
  ["undici:request:headers", guarded<{ request: object; response: { statusCode?: number } }>(({ request, response }) => headers(request, response.statusCode))],
  ["undici:request:trailers", guarded<{ request: object }>(({ request }) => end(request))],
  ["undici:request:error", guarded<{ request: object; error: unknown }>(({ request, error }) => end(request, error))],
  ["http.client.request.start", guarded<{ request: ClientRequest }>(({ request }) => begin(request, request.method, httpUrl(request), "http"))],
  [
    "http.client.response.finish",
    guarded<{ request: ClientRequest; response: IncomingMessage }>(({ request, response }) => {
      headers(request, response.statusCode);
      const done = (): void => end(request);
      response.once("end", done);
      response.once("close", done);
    }),
  ],
  ["http.client.request.error", guarded<{ request: ClientRequest; error: unknown }>(({ request, error }) => end(request, error))],
];

let users = 0;

/**
 * Starts recording outbound calls into the profiles of the requests that make them; the returned
 * function stops (subscriptions are shared and counted, so each caller stops once).
 *
 * @example
 * const stop = watchOutboundCalls();
 * // ... fetch() inside a request now shows up in its profile
 * stop();
 */
export function watchOutboundCalls(): () => void {
  if (users++ === 0) for (const [channel, handler] of SUBSCRIPTIONS) diagnosticsChannel.subscribe(channel, handler);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (--users === 0) for (const [channel, handler] of SUBSCRIPTIONS) diagnosticsChannel.unsubscribe(channel, handler);
  };
}
