import {
  authorizationParts,
  quoted,
  type SchemeArgs,
  type SchemeOptions,
  SecurityScheme,
} from "./scheme.js";

/** `Authorization: <scheme> <credentials>` as `HTTPBearer` reads it. */
export interface HTTPAuthorizationCredentials {
  scheme: string;
  credentials: string;
}

/** A user name and password from `Authorization: Basic ...`. */
export interface HTTPBasicCredentials {
  username: string;
  password: string;
}

export interface HTTPBearerOptions<E extends boolean> extends SchemeOptions<E> {
  /** What the token is, for the docs (e.g. `"JWT"`). */
  bearerFormat?: string;
}

/**
 * A bearer token in `Authorization: Bearer <token>`. The value is `{ scheme, credentials }`;
 * a missing header, another scheme or an empty token answer 401 with `WWW-Authenticate: Bearer`.
 *
 * @example
 * const bearer = new HTTPBearer({ bearerFormat: "JWT" });
 * app.get("/me", { deps: { auth: bearer } }, ({ auth }) => ({ token: auth.credentials }));
 */
export class HTTPBearer<E extends boolean = true> extends SecurityScheme<
  HTTPAuthorizationCredentials,
  E
> {
  constructor(options: HTTPBearerOptions<E> = {}) {
    const scheme: Record<string, unknown> = { type: "http", scheme: "bearer" };
    if (options.bearerFormat) scheme.bearerFormat = options.bearerFormat;
    super(options, scheme);
  }

  protected challenge(): string {
    return "Bearer";
  }

  protected read({ request }: SchemeArgs) {
    const parts = authorizationParts(request.headers.authorization);
    if (!parts?.credentials || parts.scheme.toLowerCase() !== "bearer") return undefined;
    return parts;
  }
}

export interface HTTPBasicOptions<E extends boolean> extends SchemeOptions<E> {
  /** The protection space named in the challenge: `WWW-Authenticate: Basic realm="..."`. */
  realm?: string;
}

// Standard base64 with its padding: Buffer.from(..., "base64") would skip any junk silently.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * HTTP Basic authentication (RFC 7617). The value is `{ username, password }`; a missing header,
 * another scheme, invalid base64 or no colon answer 401 with `WWW-Authenticate: Basic` (and the
 * realm, when given), which makes a browser ask for credentials. Compare the password with
 * `verifyPassword` or `safeCompare`, never `===`.
 *
 * @example
 * const basic = new HTTPBasic({ realm: "admin" });
 * app.get("/admin", { deps: { creds: basic } }, ({ creds }) => ({ user: creds.username }));
 */
export class HTTPBasic<E extends boolean = true> extends SecurityScheme<HTTPBasicCredentials, E> {
  readonly realm: string | undefined;

  constructor(options: HTTPBasicOptions<E> = {}) {
    super(options, { type: "http", scheme: "basic" });
    this.realm = options.realm;
  }

  protected challenge(): string {
    return this.realm === undefined ? "Basic" : `Basic realm=${quoted(this.realm)}`;
  }

  protected read({ request }: SchemeArgs) {
    const parts = authorizationParts(request.headers.authorization);
    if (parts === undefined) return undefined;
    if (parts.scheme.toLowerCase() !== "basic" || !BASE64.test(parts.credentials)) return undefined;
    let decoded: string;
    try {
      decoded = UTF8.decode(Buffer.from(parts.credentials, "base64"));
    } catch {
      return undefined;
    }
    const colon = decoded.indexOf(":");
    if (colon === -1) return undefined;
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
}
