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
export { Request, type BackgroundJob, type BackgroundRunnable } from "./request.js";
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
export { cors, type CorsOptions } from "./middleware/cors.js";
export { compression, type CompressionOptions } from "./middleware/compression.js";
export { trustedHost, type TrustedHostOptions } from "./middleware/trusted-host.js";
export { httpsRedirect, type HttpsRedirectOptions } from "./middleware/https-redirect.js";
export { StreamingResponse, type StreamContent } from "./responses/streaming.js";
export { SSEResponse, ServerSentEvent, type SSEOptions } from "./responses/sse.js";
export { FileResponse, type FileResponseInit } from "./responses/file-response.js";
export { staticFiles, type StaticFilesOptions, type StaticFilesHandler } from "./static/static-files.js";
export { UploadFile } from "./multipart/upload-file.js";
export { uploadFile, uploadFiles, type FileParam, type FilesShape, type InferFiles } from "./multipart/file-params.js";
export type { UploadLimits } from "./multipart/limits.js";
export { WebSocketConnection, type WebSocketMessage, type AcceptOptions } from "./websocket/connection.js";
export type { WebSocketOptions, WebSocketContext, WebSocketHandler } from "./websocket/websocket-route.js";
export * from "./websocket/close-codes.js";
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
export {
  depends,
  Dependency,
  type DependencyContext,
  type DependencyDeclaration,
  type DependencyUseOptions,
  type DependencyMap,
  type DependencyValue,
  type DependencyValues,
} from "./deps/dependency.js";
export { SecurityScopes } from "./deps/security-scopes.js";
export { DependencyOverrides, type DependencyReplacement } from "./deps/overrides.js";
export { Router, type RouterOptions, type IncludeOptions, type RouteDefinition } from "./routing/router.js";
export { security } from "./security/security.js";
export {
  oauth2PasswordBearer,
  oauth2AuthorizationCodeBearer,
  type OAuth2PasswordBearerOptions,
  type OAuth2AuthorizationCodeBearerOptions,
} from "./security/oauth2.js";
export { oauth2PasswordRequestForm, oauth2PasswordRequestFormStrict, type OAuth2PasswordRequest } from "./security/password-form.js";
export {
  httpBasic,
  httpBearer,
  type HTTPBasicCredentials,
  type HTTPAuthorizationCredentials,
  type HTTPBasicOptions,
  type HTTPBearerOptions,
} from "./security/http.js";
export { apiKeyHeader, apiKeyQuery, apiKeyCookie, type APIKeyOptions } from "./security/api-key.js";
export type { SecurityOptions } from "./security/security-dependency.js";
export type { SecurityScheme } from "./security/scheme.js";
export { buildOpenAPI, type DocumentSettings } from "./openapi/build.js";
export type { OpenAPIDocument, OperationObject, ParameterObject, ResponseObject, MediaTypeObject } from "./openapi/document.js";
export type { OpenAPIOptions, OpenAPIContact, OpenAPILicense, OpenAPIServer, OpenAPITag } from "./openapi/settings.js";
export { task, Task, type TaskOptions } from "./lanes/task.js";
export * from "./queue/index.js";
export { ThreadPool, type ThreadPoolStats, type TimeSummary } from "./lanes/thread-pool.js";
export type { ThreadPoolOptions } from "./lanes/pool-options.js";
export { defaultThreadPool, configureDefaultThreadPool } from "./lanes/default-pool.js";
export { isThreadLaneWorker } from "./lanes/worker-context.js";
export { ThreadPoolBusyError, ThreadTimeoutError, ThreadCrashError, ThreadLaneError } from "./lanes/lane-errors.js";
export { ThreadModuleError } from "./lanes/module-origin.js";
export {
  startWatchdog,
  formatBlockReport,
  type WatchdogHandle,
  type WatchdogOptions,
  type WatchdogStatus,
  type WatchdogStats,
  type WatchdogLogger,
  type BlockReport,
  type BlockFrame,
  type BlockClass,
  type BlockRequest,
  type BlockedThread,
  type Attribution,
  type InFlightRequest,
  AppWatch,
  type AppWatchOptions,
  type ProfileOptions,
  type MetricsOptions,
  type DashboardOptions,
  type DashboardGuard,
  type LoadSheddingOptions,
  type KeptProfile,
  summarizeProfile,
  type ProfileSummary,
  type OutboundSummary,
  type OutboundCallView,
  type ConcurrencyHint,
  type LoopSample,
  type DashboardState,
  type DashboardBlock,
} from "./watch/index.js";
