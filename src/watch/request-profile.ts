import { performance } from "node:perf_hooks";
/** One outbound HTTP call made while a request was served (from `diagnostics_channel`). */
export interface OutboundCall {
  readonly method: string;
  /** Origin and path, cut at {@link MAX_CALL_URL_CHARS} characters. */
  readonly url: string;
  /** `fetch` (undici, Node's global fetch) or `http` (`node:http`/`node:https` clients). */
  readonly client: "fetch" | "http";
  /** Milliseconds from the request's arrival to the call's start. */
  readonly startMs: number;
  /** Milliseconds from the request's arrival to the response headers; undefined before them. */
  headersMs: number | undefined;
  /** Milliseconds from the request's arrival to the end of the response body (or the error). */
  endMs: number | undefined;
  status: number | undefined;
  error: string | undefined;
}

export const MAX_CALL_URL_CHARS = 300;

function micros(ms: number): number {
  return Math.round(ms * 1000);
}
/** Calls kept per request; more are counted, not timed (a loop of calls must not grow memory). */
export const MAX_CALLS_PER_REQUEST = 64;

/**
 * What the watchdog's always-on profile records about one request, on the main thread: phase
 * times measured by the route with `performance.now()`, the outbound calls seen on
 * `diagnostics_channel`, and for sampled requests the time spent running on the loop. Read it
 * through `summarizeProfile()`.
 *
 * @example
 * app.get("/report", ({ req }) => {
 *   const profile = req.context.profile; // this request's, while it runs
 *   return { callsSoFar: profile?.calls?.length ?? 0 };
 * });
 */
export class RequestProfile {
  /** `performance.now()` at the request's arrival. */
  readonly startedAt: number;
  /** Whether `async_hooks` measure this request's time on the loop (sampled requests only). */
  readonly sampled: boolean;
  /**
   * Whether every phase is timed from the route's start: when something will show them
   * (Server-Timing, the access log, a sampled request). Otherwise no clock is read for phases,
   * unless the request makes outbound calls (it is then kept, see {@link recordLatePhases}).
   */
  readonly timed: boolean;
  /** The app watching the request (its dashboard lists only its own). */
  readonly owner: object;
  // Phases in whole microseconds: small integers live in the object itself, where a fractional
  // millisecond would cost a separate heap number per field and per request.
  /** Reading and parsing the body, in µs (0 when there was none). */
  parseUs = 0;
  /** Resolving dependencies, in µs; -1 when the route has none or did not get that far. */
  depsUs = -1;
  /** Validating parameters and body, parsing excluded, in µs; -1 when it did not finish. */
  validateUs = -1;
  /** The handler, from its call until its result resolved, in µs; -1 when it did not finish. */
  handlerUs = -1;
  /** Turning the result into a response (response-model validation, JSON encoding), in µs. */
  serializeUs = -1;
  calls: OutboundCall[] | undefined = undefined;
  /** Calls beyond {@link MAX_CALLS_PER_REQUEST}: counted only. */
  droppedCalls = 0;
  /** Time running on the event loop (sampled requests), in ms. */
  onLoopMs = 0;
  /** Response status, once known. */
  status = 0;
  /** `performance.now()` when the response was written; 0 while in flight. */
  endedAt = 0;
  /** Slot in the in-flight table shared with the watchdog thread; -1 when not mirrored there. */
  slot = -1;

  constructor(startedAt: number, sampled: boolean, owner: object, timed: boolean = sampled) {
    this.startedAt = startedAt;
    this.sampled = sampled;
    this.timed = timed;
    this.owner = owner;
  }

  /**
   * Records the route's phases from its timestamps (`performance.now()` values): `started` when
   * the route began, `depsDone` after its dependencies (or equal to `started`), `entered` at the
   * handler's call, `returned` when its result resolved, `finished` when the response was built.
   */
  recordPhases(started: number, depsDone: number, entered: number, returned: number, finished: number): void {
    if (depsDone > started) this.depsUs = micros(depsDone - started);
    this.validateUs = Math.max(0, micros(entered - depsDone) - this.parseUs);
    this.handlerUs = micros(returned - entered);
    this.serializeUs = micros(finished - returned);
  }

  /**
   * The phases of a request that was not {@link timed} but made outbound calls: the handler
   * phase runs from the request's arrival (routing, parsing and validation included, which
   * were not timed apart), serialization from `returned` to `finished`.
   */
  recordLatePhases(returned: number, finished: number): void {
    this.handlerUs = micros(returned - this.startedAt);
    this.serializeUs = micros(finished - returned);
  }

  /** Adds the time from `started` (a `performance.now()` value) until now to the parse phase. */
  recordParse(started: number): void {
    this.parseUs += micros(performance.now() - started);
  }

  /** Adds a call; false when the request already has as many as it keeps. */
  addCall(call: OutboundCall): boolean {
    const calls = (this.calls ??= []);
    if (calls.length >= MAX_CALLS_PER_REQUEST) {
      this.droppedCalls++;
      return false;
    }
    calls.push(call);
    return true;
  }

  /** The most recent call still waiting for its response, if any. */
  get currentCall(): OutboundCall | undefined {
    const calls = this.calls;
    if (calls === undefined) return undefined;
    for (let i = calls.length - 1; i >= 0; i--) if (calls[i]!.endMs === undefined) return calls[i];
    return undefined;
  }
}
