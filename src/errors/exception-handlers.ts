import type { Request } from "../request.js";
import type { Response } from "../responses/response.js";

/** Turns an error of some class into a response. */
export type ExceptionHandler<E = any> = (req: Request, error: E) => Response | Promise<Response>;

/** Any class whose instances can be thrown; `Error` subclasses typically. */
export type ErrorClass<E = unknown> = abstract new (...args: any[]) => E;

/**
 * Exception handlers keyed by error class. Lookup walks the prototype chain, so a handler for a
 * base class also catches subclasses, and the most specific registered class wins (Starlette).
 */
export class ExceptionHandlers {
  #byClass = new Map<Function, ExceptionHandler>();
  #byStatus = new Map<number, ExceptionHandler>();

  add(key: ErrorClass | number, handler: ExceptionHandler): void {
    if (typeof key === "number") this.#byStatus.set(key, handler);
    else this.#byClass.set(key, handler);
  }

  /** The handler for an error, by class first, then by HTTP status. */
  find(error: unknown, status?: number): ExceptionHandler | undefined {
    if (error !== null && typeof error === "object") {
      for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
        const handler = this.#byClass.get(proto.constructor);
        if (handler) return handler;
      }
    }
    return status === undefined ? undefined : this.#byStatus.get(status);
  }
}
