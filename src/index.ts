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
// Middleware
export type { Middleware, Next } from "./middleware/compose.js";
export type { RawValues } from "./request/query.js";
export type { VialRequest } from "./request/request.js";
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
  StreamingResponse,
  type StreamSource,
  VialResponse,
} from "./response/responses.js";
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
} from "./types.js";
export type { InputSource, ValidationErrorItem } from "./validation/errors.js";
export type { FieldSchemas, InputSchema, Schema } from "./validation/schema.js";
