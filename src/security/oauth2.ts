import { z } from "zod";
import { depends } from "../di/depends.js";
import { SecurityScopes } from "../di/scopes.js";
import { HTTPException } from "../errors.js";
import {
  authorizationParts,
  quoted,
  type SchemeArgs,
  type SchemeOptions,
  SecurityScheme,
} from "./scheme.js";

export interface OAuth2PasswordBearerOptions<E extends boolean> extends SchemeOptions<E> {
  /** Where clients get a token with the password flow (the route using `OAuth2PasswordRequestForm`). */
  tokenUrl: string;
  /** The scopes the API knows, name -> description; shown in the docs' "Authorize" dialog. */
  scopes?: Record<string, string>;
  /** Where clients refresh a token, if the API offers it. */
  refreshUrl?: string;
}

/**
 * OAuth2's password flow with bearer tokens: the value is the token from
 * `Authorization: Bearer <token>`. A missing header, another scheme or an empty token answer
 * 401 with `WWW-Authenticate: Bearer`, with `scope="..."` when `Security(...)` requires scopes.
 * The docs' "Authorize" button logs in through `tokenUrl`.
 *
 * @example
 * const oauth2 = new OAuth2PasswordBearer({ tokenUrl: "token", scopes: { me: "Read your profile" } });
 * const currentUser = depends({ token: oauth2 }, async ({ token }) => (await verifyJWT(token, secret)).sub);
 */
export class OAuth2PasswordBearer<E extends boolean = true> extends SecurityScheme<string, E> {
  readonly tokenUrl: string;

  constructor(options: OAuth2PasswordBearerOptions<E>) {
    if (typeof options?.tokenUrl !== "string" || options.tokenUrl === "") {
      throw new TypeError(
        'new OAuth2PasswordBearer({ tokenUrl }): tokenUrl is required: the path of your token route, e.g. { tokenUrl: "token" }.',
      );
    }
    const password: Record<string, unknown> = {
      tokenUrl: options.tokenUrl,
      scopes: { ...options.scopes },
    };
    if (options.refreshUrl) password.refreshUrl = options.refreshUrl;
    super(options, { type: "oauth2", flows: { password } }, { securityScopes: SecurityScopes });
    this.tokenUrl = options.tokenUrl;
  }

  protected challenge(args: SchemeArgs): string {
    const scopes = args.securityScopes as SecurityScopes;
    return scopes.scopeStr ? `Bearer scope=${quoted(scopes.scopeStr)}` : "Bearer";
  }

  protected read({ request }: SchemeArgs): string | undefined {
    const parts = authorizationParts(request.headers.authorization);
    if (!parts?.credentials || parts.scheme.toLowerCase() !== "bearer") return undefined;
    return parts.credentials;
  }
}

/**
 * Checks that a token grants every scope `Security(...)` requires along the chain; otherwise
 * 403 `{"detail":"Not enough permissions"}` with `WWW-Authenticate: Bearer
 * error="insufficient_scope", scope="..."` (RFC 6750 section 3.1). `granted` is a list or the
 * space-separated `scope` claim.
 *
 * @example
 * const currentUser = depends({ securityScopes: SecurityScopes, token: oauth2 },
 *   async ({ securityScopes, token }) => {
 *     const claims = await verifyJWT(token, secret);
 *     requireScopes(securityScopes, claims.scopes as string[]);
 *     return claims.sub;
 *   });
 */
export function requireScopes(
  required: SecurityScopes,
  granted: readonly string[] | string | undefined,
): void {
  const have = new Set(
    typeof granted === "string" ? granted.split(" ") : Array.isArray(granted) ? granted : [],
  );
  if (required.scopes.every((scope) => have.has(scope))) return;
  throw new HTTPException(403, "Not enough permissions", {
    "WWW-Authenticate": `Bearer error="insufficient_scope", scope=${quoted(required.scopeStr)}`,
  });
}

/** What a client sent to the token route in the password flow. */
export interface OAuth2PasswordRequest {
  username: string;
  password: string;
  /** `scope` split at spaces: `"me items:read"` -> `["me", "items:read"]`. */
  scopes: string[];
  /** `"password"` when sent (the spec requires it; `OAuth2PasswordRequestFormStrict` does too). */
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
}

const secret = () => z.string().meta({ format: "password" });

function passwordForm(grantType: z.ZodType<string | undefined>) {
  return {
    grant_type: grantType,
    username: z.string(),
    password: secret(),
    scope: z.string().default(""),
    client_id: z.string().optional(),
    client_secret: secret().optional(),
  };
}

function toRequest(form: {
  grant_type?: string | undefined;
  username: string;
  password: string;
  scope: string;
  client_id?: string | undefined;
  client_secret?: string | undefined;
}): OAuth2PasswordRequest {
  return {
    username: form.username,
    password: form.password,
    scopes: form.scope.split(" ").filter((s) => s !== ""),
    grantType: form.grant_type,
    clientId: form.client_id,
    clientSecret: form.client_secret,
  };
}

/**
 * The token route's form in OAuth2's password flow, as a dependency: reads `username`,
 * `password`, `scope`, `grant_type`, `client_id` and `client_secret` from an urlencoded (or
 * multipart) form; missing fields are 422s like any input. `grant_type` may be left out, as
 * FastAPI allows; when sent it must be `password`.
 *
 * @example
 * app.post("/token", { deps: { login: OAuth2PasswordRequestForm } }, async ({ login }) => {
 *   const user = await authenticate(login.username, login.password);
 *   return { access_token: await signJWT({ sub: user.name, scopes: login.scopes }, secret), token_type: "bearer" };
 * });
 */
export const OAuth2PasswordRequestForm = depends(
  {
    form: passwordForm(
      z
        .string()
        .regex(/^password$/)
        .optional(),
    ),
  },
  function OAuth2PasswordRequestForm({ form }): OAuth2PasswordRequest {
    return toRequest(form);
  },
);

/** {@link OAuth2PasswordRequestForm} with `grant_type=password` required, as the spec says. */
export const OAuth2PasswordRequestFormStrict = depends(
  { form: passwordForm(z.string().regex(/^password$/)) },
  function OAuth2PasswordRequestFormStrict({ form }): OAuth2PasswordRequest {
    return toRequest(form);
  },
);
