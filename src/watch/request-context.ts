import { AsyncLocalStorage } from "node:async_hooks";
import type { RequestProfile } from "./request-profile.js";

/**
 * What the framework knows about the request whose code is running. The watchdog's snapshot
 * reads it from {@link requestContext} while the loop is blocked, so it names the request that
 * is really running, not the last one to enter a handler.
 */
export interface RequestContext {
  /** Process-unique, increasing request id. */
  readonly id: number;
  readonly method: string;
  readonly url: string;
  /** The route pattern as declared (`/items/{item_id}`), or "" before routing / when none matched. */
  route: string;
  /** `performance.now()` at arrival; 0 from a server whose app does not watch (`watchdog: false`). */
  readonly startedAt: number;
  /**
   * The request's profile (phases, outbound calls), set when the app watches requests. The
   * framework creates every context with `profile: undefined`, so that setting it later does not
   * change the object's shape: hot functions reading contexts then see one shape.
   */
  profile?: RequestProfile | undefined;
}

/** The one AsyncLocalStorage carrying the running request's context. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

let lastRequestId = 0;

/** Allocates the next request id. */
export function nextRequestId(): number {
  return ++lastRequestId;
}
