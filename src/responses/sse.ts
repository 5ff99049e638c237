import { ResponseValidationError } from "../errors/validation-error.js";
import type { ResponseCompiler } from "../schema/index.js";
import { Response, type ResponseInit } from "./response.js";

/**
 * One Server-Sent Event with its optional fields. Yield it from an SSE stream to set `event`,
 * `id`, `retry` or a comment; anything else yielded is the `data` of a plain message.
 *
 * @example
 * yield new ServerSentEvent({ event: "price", id: String(seq), data: { symbol: "ACME", price: 12.5 } });
 */
export class ServerSentEvent {
  /** A string is sent as is (split into `data:` lines); any other value as JSON. */
  readonly data: unknown;
  /** The event type (`addEventListener(type)` in the browser); "message" when absent. */
  readonly event: string | undefined;
  /** Becomes the browser's `lastEventId`, sent back as `Last-Event-ID` when it reconnects. */
  readonly id: string | undefined;
  /** How long the browser waits before reconnecting, in milliseconds. */
  readonly retry: number | undefined;
  /** A comment line: ignored by browsers, useful to keep proxies from timing out. */
  readonly comment: string | undefined;

  constructor(fields: { data?: unknown; event?: string; id?: string; retry?: number; comment?: string }) {
    if (fields.event !== undefined && /[\r\n]/.test(fields.event)) throw new TypeError(`An SSE event type cannot contain a line break: ${JSON.stringify(fields.event)}`);
    // The spec makes browsers ignore an id containing NUL; a line break would start a new field.
    if (fields.id !== undefined && /[\r\n\0]/.test(fields.id)) throw new TypeError(`An SSE id cannot contain a line break or NUL: ${JSON.stringify(fields.id)}`);
    if (fields.retry !== undefined && !(Number.isInteger(fields.retry) && fields.retry >= 0)) throw new TypeError(`SSE retry must be a non-negative integer of milliseconds, got ${fields.retry}`);
    this.data = fields.data;
    this.event = fields.event;
    this.id = fields.id;
    this.retry = fields.retry;
    this.comment = fields.comment;
  }
}

/** Options of {@link SSEResponse} and of the `sse` route option. */
export interface SSEOptions {
  /** Milliseconds of silence after which a `: ping` comment is sent; `false` never (default 15000). */
  ping?: number | false;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** Encodes one event in the `text/event-stream` format; multi-line text becomes several lines. */
export function encodeServerSentEvent(event: ServerSentEvent, data: string | undefined): string {
  let out = "";
  if (event.comment !== undefined) for (const line of event.comment.split(LINE_BREAK)) out += `: ${line}\n`;
  if (event.event !== undefined) out += `event: ${event.event}\n`;
  if (event.id !== undefined) out += `id: ${event.id}\n`;
  if (event.retry !== undefined) out += `retry: ${event.retry}\n`;
  if (data !== undefined) for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out + "\n";
}

/**
 * A Server-Sent Events stream (`text/event-stream`) from an async iterable. Each yielded value is
 * one message (a string as is, anything else as JSON), or a {@link ServerSentEvent} for the other
 * fields. Sets `Cache-Control: no-cache` and `X-Accel-Buffering: no` (so nginx does not hold
 * events back), and sends a `: ping` comment after 15 s of silence so idle connections survive
 * proxies and a vanished client is noticed. The browser's `Last-Event-ID` is a request header:
 * declare `headers: { last_event_id: z.string().optional() }` to read it.
 *
 * @example
 * app.get("/clock", ({ signal }) =>
 *   new SSEResponse(
 *     (async function* () {
 *       for (let i = 0; !signal.aborted; i++) {
 *         yield new ServerSentEvent({ event: "tick", id: String(i), data: new Date().toISOString() });
 *         await new Promise((r) => setTimeout(r, 1000));
 *       }
 *     })(),
 *   ),
 * );
 */
export class SSEResponse extends Response {
  constructor(events: AsyncIterable<unknown>, init: ResponseInit & SSEOptions = {}) {
    const { ping, ...rest } = init;
    super(sseFrames(events, ping ?? 15_000, plainData), { mediaType: "text/event-stream; charset=utf-8", ...rest });
    setSseHeaders(this);
  }
}

/**
 * The SSE response of a route declared with `sse: true`: each item's data is validated against the
 * route's `response` schema (when it has one) before it is sent.
 */
export function sseRouteResponse(events: AsyncIterable<unknown>, itemSchema: ResponseCompiler | undefined, label: string, options: SSEOptions): Response {
  const encodeData = itemSchema
    ? (value: unknown) => {
        const checked = itemSchema.validate(value);
        if (!checked.ok) throw new ResponseValidationError(label, checked.issues);
        return typeof checked.value === "string" ? checked.value : itemSchema.serialize(checked.value);
      }
    : plainData;
  const response = new Response(sseFrames(events, options.ping ?? 15_000, encodeData), { mediaType: "text/event-stream; charset=utf-8" });
  setSseHeaders(response);
  return response;
}

function setSseHeaders(response: Response): void {
  response.headers["cache-control"] ??= "no-cache";
  response.headers["x-accel-buffering"] ??= "no";
}

function plainData(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "null");
}

const PING = Symbol("ping");

async function* sseFrames(events: AsyncIterable<unknown>, ping: number | false, encodeData: (value: unknown) => string): AsyncGenerator<string> {
  const iterator = events[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<unknown>> | undefined;
  let finished = false;
  try {
    for (;;) {
      pending ??= iterator.next();
      const next = ping === false ? await pending : await orPing(pending, ping);
      if (next === PING) {
        yield ": ping\n\n";
        continue;
      }
      pending = undefined;
      if (next.done) {
        finished = true;
        return;
      }
      const item = next.value;
      if (item instanceof ServerSentEvent) {
        yield encodeServerSentEvent(item, item.data === undefined ? undefined : encodeData(item.data));
      } else {
        yield encodeServerSentEvent(EMPTY_EVENT, encodeData(item));
      }
    }
  } finally {
    if (!finished) {
      // An async generator busy in `next()` only returns after it yields; do not wait for that.
      if (pending) pending.then(() => iterator.return?.(), () => undefined);
      else await iterator.return?.();
    }
  }
}

const EMPTY_EVENT = new ServerSentEvent({});

function orPing<T>(pending: Promise<T>, ms: number): Promise<T | typeof PING> {
  let timer: NodeJS.Timeout | undefined;
  const ping = new Promise<typeof PING>((resolve) => {
    timer = setTimeout(resolve, ms, PING);
  });
  return Promise.race([pending, ping]).finally(() => clearTimeout(timer));
}
