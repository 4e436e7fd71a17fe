import { Dependency } from "../di/dependency.js";
import type { SecuritySchemeObject } from "../di/security-info.js";
import { HTTPException } from "../errors.js";
import type { BaseContext } from "../types.js";

/** Options every security scheme takes. */
export interface SchemeOptions<E extends boolean = true> {
  /** Its name in the OpenAPI `components.securitySchemes` (default: the class name). */
  schemeName?: string;
  /** Shown next to the scheme in the docs. */
  description?: string;
  /**
   * `true` (default): missing or malformed credentials answer 401 `{"detail":"Not authenticated"}`.
   * `false`: the value is `undefined` instead, for optional authentication or a choice of schemes.
   */
  autoError?: E;
}

/** What a scheme's value is: `T`, or `T | undefined` with `autoError: false`. */
export type SchemeValue<T, E extends boolean> = [E] extends [false] ? T | undefined : T;

/** The request-level context a scheme reads credentials from, plus its sub-dependencies. */
export type SchemeArgs = BaseContext & { readonly [key: string]: unknown };

/**
 * The base of Vial's security schemes: a dependency that reads credentials straight from the
 * request (a validated `headers` input would answer 422 where a client expects 401), answers
 * 401 with a `WWW-Authenticate` challenge when they are missing or malformed, and describes
 * itself for OpenAPI through `security`. Subclass it for a scheme of your own.
 *
 * @example
 * class SessionToken extends SecurityScheme<string> {
 *   constructor() { super({}, { type: "apiKey", in: "header", name: "X-Session" }); }
 *   protected challenge() { return "Session"; }
 *   protected read({ request }: SchemeArgs) { return request.headers["x-session"] as string | undefined; }
 * }
 */
export abstract class SecurityScheme<T, E extends boolean = true> extends Dependency<
  SchemeValue<T, E>
> {
  readonly autoError: boolean;
  readonly schemeName: string;

  constructor(
    options: SchemeOptions<E>,
    scheme: SecuritySchemeObject,
    subs: Record<string, Dependency> = {},
  ) {
    super({}, subs, (args: SchemeArgs) => this.authenticate(args));
    this.autoError = options.autoError ?? true;
    this.schemeName = options.schemeName ?? new.target.name;
    const description = options.description;
    this.security = {
      name: this.schemeName,
      scheme: description ? { ...scheme, description } : scheme,
      scopes: [],
    };
  }

  override get name(): string {
    return this.schemeName;
  }

  /**
   * The error for missing or malformed credentials: 401 `{"detail":"Not authenticated"}` with
   * the scheme's challenge. Override it to answer otherwise (FastAPI's
   * `make_not_authenticated_error`; before FastAPI 0.122 this was a 403).
   */
  notAuthenticated(args: SchemeArgs): HTTPException {
    return new HTTPException(401, "Not authenticated", {
      "WWW-Authenticate": this.challenge(args),
    });
  }

  /** The `WWW-Authenticate` value that tells the client how to authenticate. */
  protected abstract challenge(args: SchemeArgs): string;

  /** The credentials in the request, or `undefined` when they are missing or malformed. */
  protected abstract read(args: SchemeArgs): T | undefined;

  private authenticate(args: SchemeArgs): T | undefined {
    const value = this.read(args);
    if (value === undefined && this.autoError) throw this.notAuthenticated(args);
    return value;
  }
}

/** Splits `Authorization: <scheme> <credentials>` at the first space, as FastAPI does. */
export function authorizationParts(
  header: string | undefined,
): { scheme: string; credentials: string } | undefined {
  if (!header) return undefined;
  const space = header.indexOf(" ");
  if (space === -1) return { scheme: header, credentials: "" };
  return { scheme: header.slice(0, space), credentials: header.slice(space + 1).trim() };
}

/** A quoted-string for a challenge parameter (RFC 9110 section 5.6.4). */
export function quoted(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
