// The public API of `vial/security`: authentication schemes, tokens, passwords and CORS.
// Everything here is exported from `vial` too.

export { Security, SecurityScopes } from "../di/scopes.js";
// API keys
export { APIKeyCookie, APIKeyHeader, type APIKeyOptions, APIKeyQuery } from "./api-key.js";
// CORS
export { type CORSOptions, cors } from "./cors.js";
// HTTP authentication
export {
  type HTTPAuthorizationCredentials,
  HTTPBasic,
  type HTTPBasicCredentials,
  type HTTPBasicOptions,
  HTTPBearer,
  type HTTPBearerOptions,
} from "./http.js";
// JSON Web Tokens
export {
  InvalidTokenError,
  type InvalidTokenReason,
  type JWTAlgorithm,
  type JWTClaims,
  type JWTKey,
  type SignOptions,
  signJWT,
  type VerifyOptions,
  verifyJWT,
} from "./jwt.js";
// OAuth2 and scopes
export {
  OAuth2PasswordBearer,
  type OAuth2PasswordBearerOptions,
  type OAuth2PasswordRequest,
  OAuth2PasswordRequestForm,
  OAuth2PasswordRequestFormStrict,
  requireScopes,
} from "./oauth2.js";
// Passwords and secrets
export {
  hashPassword,
  needsRehash,
  type PasswordHashOptions,
  safeCompare,
  verifyPassword,
} from "./passwords.js";
// Writing your own scheme
export {
  type SchemeArgs,
  type SchemeOptions,
  type SchemeValue,
  SecurityScheme,
} from "./scheme.js";
