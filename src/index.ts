// The public API of `vial`, grouped by concern. Everything else is internal.

// Schemas: Zod is re-exported; any Standard Schema works
export { z } from "zod";
// Application and routing
export { App, type AppOptions, type ListenOptions } from "./app.js";
export type { BackgroundTasks } from "./background.js";
// Handler context and typing helpers
export type { Context } from "./context.js";
export type { DepsSpec, Override } from "./di/analyse.js";
export { Dependency, type DependsOptions } from "./di/dependency.js";
// Dependencies
export {
  type DependencyArgs,
  type DependencyContext,
  type DependencySpec,
  depends,
  type Resolved,
} from "./di/depends.js";
export { Security, SecurityScopes } from "./di/scopes.js";
export type { OpenAPISecurity, SecuritySchemeObject } from "./di/security-info.js";
// Errors
export {
  ConfigurationError,
  HTTPException,
  RequestValidationError,
  ResponseValidationError,
} from "./errors.js";
export type { ExceptionHandler } from "./exception-handlers.js";
export type { ResponseSpec, ResponsesSpec, RouteMeta } from "./internal/record.js";
export type { Lifespan } from "./lifespan.js";
// Logging and settings
export {
  createLogger,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from "./logger.js";
// Middleware
export type { Middleware, Next } from "./middleware/compose.js";
export { type CompressionOptions, compression } from "./middleware/compression.js";
export { type ConcurrencyLimitOptions, concurrencyLimit } from "./middleware/concurrency.js";
export { httpsRedirect } from "./middleware/https-redirect.js";
export { DEFAULT_SECURITY_HEADERS, securityHeaders } from "./middleware/security-headers.js";
export { type TrustedHostOptions, trustedHost } from "./middleware/trusted-host.js";
// OpenAPI document and docs pages
export type { OpenAPIOptions } from "./openapi/docs.js";
export type {
  Contact,
  License,
  OpenAPIDocument,
  OperationObject,
  ServerObject,
  TagObject,
} from "./openapi/types.js";
export type { TrustProxy } from "./request/proxy.js";
export type { RawValues } from "./request/query.js";
export type { VialRequest } from "./request/request.js";
// Uploads
export { secureFilename, UploadFile, type UploadLimits } from "./request/uploads.js";
export type { CookieOptions } from "./response/cookies.js";
export { HeaderMap, type HeadersInit } from "./response/headers.js";
// Responses
export {
  FileResponse,
  HTMLResponse,
  JSONResponse,
  PlainTextResponse,
  RedirectResponse,
  type ResponseInit,
  type RouteTarget,
  StreamingResponse,
  type StreamSource,
  VialResponse,
} from "./response/responses.js";
// Real-time: Server-Sent Events, WebSockets, rooms
export {
  type EventSource,
  type EventSourceInit,
  EventSourceResponse,
  type EventStream,
  type ServerSentEvent,
} from "./response/sse.js";
export type { ResponseState } from "./response/state.js";
export { type IncludeOptions, Router, type RouterOptions } from "./router.js";
// Security: schemes, JWT, passwords, CORS (also in `vial/security`)
export {
  APIKeyCookie,
  APIKeyHeader,
  type APIKeyOptions,
  APIKeyQuery,
  type CORSOptions,
  cors,
  type HTTPAuthorizationCredentials,
  HTTPBasic,
  type HTTPBasicCredentials,
  type HTTPBasicOptions,
  HTTPBearer,
  type HTTPBearerOptions,
  hashPassword,
  InvalidTokenError,
  type InvalidTokenReason,
  type JWTAlgorithm,
  type JWTClaims,
  type JWTKey,
  needsRehash,
  OAuth2PasswordBearer,
  type OAuth2PasswordBearerOptions,
  type OAuth2PasswordRequest,
  OAuth2PasswordRequestForm,
  OAuth2PasswordRequestFormStrict,
  type PasswordHashOptions,
  requireScopes,
  type SchemeArgs,
  type SchemeOptions,
  type SchemeValue,
  SecurityScheme,
  type SignOptions,
  safeCompare,
  signJWT,
  type VerifyOptions,
  verifyJWT,
  verifyPassword,
} from "./security/index.js";
export type { ServerOptions } from "./server.js";
// Sessions, flash messages, CSRF
export type { CsrfOptions } from "./sessions/csrf.js";
export type {
  FlashedMessage,
  FlashOptions,
  Session,
  SessionData,
  SessionMethods,
  SessionPayload,
} from "./sessions/session.js";
export type { SessionOptions } from "./sessions/sessions.js";
export { MemoryStore, type SessionStore } from "./sessions/store.js";
export { SettingsError, type SettingsOptions, type SettingsProblem, settings } from "./settings.js";
// Static files
export type { StaticFolder, StaticOption } from "./static/static-files.js";
// Templates, URLs, error pages
export type {
  ContextProcessor,
  TemplateFilter,
  TemplatesOptions,
} from "./templates/environment.js";
export type { ErrorPagesOption } from "./templates/error-pages.js";
export type { Render } from "./templates/render.js";
export { TemplateError } from "./templates/template-error.js";
export type { UrlFor, UrlParams, UrlQuery } from "./templates/url-for.js";
export type { WebOptions } from "./templates/web.js";
export type {
  AppState,
  BaseContext,
  Handler,
  HandlerResult,
  Infer,
  PathParams,
  RouteContext,
  RouteMethod,
  RouteOptions,
  SessionOf,
} from "./types.js";
export type { InputSource, ValidationErrorItem } from "./validation/errors.js";
export type { FieldSchemas, InputSchema, Schema } from "./validation/schema.js";
export { type InvalidMessagePolicy, VialWebSocket } from "./websocket/connection.js";
export { WebSocketDisconnect, WebSocketException } from "./websocket/errors.js";
export { type Backplane, MemoryBackplane, type RoomMessage } from "./websocket/rooms.js";
export type {
  MessageOf,
  WebSocketAppOptions,
  WebSocketContext,
  WebSocketMethod,
  WebSocketOptions,
  WebSocketSettings,
} from "./websocket/route.js";
