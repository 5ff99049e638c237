import type { Request } from "../request.js";
import type { Response } from "../responses/response.js";

/** Calls the rest of the stack (inner middleware, then the route). */
export type Next = () => Promise<Response>;

/**
 * An onion middleware: runs code before and after the rest of the stack, may answer early.
 *
 * @example
 * app.use(async (req, next) => {
 *   const response = await next();
 *   response.headers["x-frame-options"] = "DENY";
 *   return response;
 * });
 */
export type Middleware = (req: Request, next: Next) => Response | Promise<Response>;

/** Composes middleware around an endpoint, first registered = outermost. */
export function composeMiddleware(stack: readonly Middleware[], endpoint: (req: Request) => Promise<Response>): (req: Request) => Promise<Response> {
  let composed = endpoint;
  for (let i = stack.length - 1; i >= 0; i--) {
    const middleware = stack[i]!;
    const inner = composed;
    composed = async (req) => middleware(req, () => inner(req));
  }
  return composed;
}
