/**
 * loopwise: FastAPI's model for TypeScript on Node.js.
 *
 * @example
 * import { App } from "loopwise";
 * const app = new App();
 * app.get("/", async () => ({ message: "Hello World" }));
 * await app.listen({ port: 8000 });
 */
export { App, type AppOptions, type Lifespan, type MountTarget } from "./app.js";
export { Request, type BackgroundJob } from "./request.js";
export { HTTPException } from "./errors/http-exception.js";
export { RequestValidationError, ResponseValidationError } from "./errors/validation-error.js";
export type { ErrorFormat } from "./errors/error-response.js";
export type { ExceptionHandler, ErrorClass } from "./errors/exception-handlers.js";
export {
  Response,
  JSONResponse,
  PlainTextResponse,
  HTMLResponse,
  RedirectResponse,
  type ResponseInit,
  type ResponseBody,
} from "./responses/response.js";
export type { CookieOptions } from "./responses/cookies.js";
export type { HeaderMap } from "./responses/headers.js";
export type { Middleware, Next } from "./middleware/middleware.js";
export { processTime } from "./middleware/process-time.js";
export { accessLog } from "./middleware/access-log.js";
export type {
  RouteOptions,
  Handler,
  HandlerContext,
  HandlerResult,
  ResponseSettings,
  Lane,
  PathParamNames,
} from "./routing/route-options.js";
export type { Route } from "./routing/route.js";
export type { ListenOptions, RunningServer } from "./server/http-server.js";
export type { Schema, Infer, InferShape, Shape, ValidationIssue } from "./schema/types.js";
export type { Logger } from "./logging.js";
