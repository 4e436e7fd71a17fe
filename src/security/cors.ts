import { ConfigurationError } from "../errors.js";
import type { Middleware } from "../middleware/compose.js";
import { PlainTextResponse, type VialResponse } from "../response/responses.js";
import type { BaseContext } from "../types.js";

type OriginCheck = (origin: string, ctx: BaseContext) => boolean | Promise<boolean>;

export interface CORSOptions {
  /**
   * Origins allowed to call the API from a browser: a list (`["https://app.example.com"]`), a
   * RegExp tested against the whole origin, a function deciding per origin, or `"*"` for any.
   */
  origins: "*" | string | readonly string[] | RegExp | OriginCheck;
  /** Let browsers send cookies and `Authorization` and read the answer (default false). */
  credentials?: boolean;
  /** Methods allowed in preflights (default GET, HEAD, POST, PUT, PATCH, DELETE); `"*"` for any. */
  methods?: readonly string[] | "*";
  /** Request headers allowed in preflights (default `"*"`: whatever the browser asks for). */
  headers?: readonly string[] | "*";
  /** Response headers the browser's script may read besides the safelisted ones. */
  exposeHeaders?: readonly string[];
  /** How long browsers may cache a preflight's answer, in seconds (default 600). */
  maxAge?: number;
}

const DEFAULT_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
// Always allowed by browsers without asking (Fetch standard, CORS-safelisted request headers).
const SAFELISTED = ["accept", "accept-language", "content-language", "content-type"];
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i;

interface Policy {
  anyOrigin: boolean;
  isAllowed: (origin: string, ctx: BaseContext) => boolean | Promise<boolean>;
  credentials: boolean;
  methods: readonly string[] | "*";
  headers: ReadonlySet<string> | "*";
  allowHeadersValue: string;
  exposeHeaders: string;
  maxAge: string;
}

/**
 * Cross-Origin Resource Sharing as middleware (Starlette's `CORSMiddleware`). Preflight requests
 * (`OPTIONS` with `Access-Control-Request-Method`) are answered here and never reach a handler,
 * also on paths with no OPTIONS route; a preflight from a disallowed origin, or asking for a
 * disallowed method or header, gets 400 and no `Access-Control-Allow-*` header. Other requests
 * from an allowed origin get `Access-Control-Allow-Origin` (and the rest) on their response.
 * Add it to the App, so it also sees requests no route matches.
 *
 * @example
 * app.use(cors({ origins: ["https://app.example.com"], credentials: true, exposeHeaders: ["x-total"] }));
 */
export function cors(options: CORSOptions): Middleware<BaseContext<any>> {
  const policy = compilePolicy(options);
  return async function corsMiddleware(ctx, next) {
    const headers = ctx.request.headers;
    const origin = headers.origin;
    if (origin === undefined) return next();
    const requested = headers["access-control-request-method"];
    if (ctx.request.method === "OPTIONS" && requested !== undefined) {
      return preflight(policy, ctx, origin, requested, headers["access-control-request-headers"]);
    }
    const response = await next();
    if (await policy.isAllowed(origin, ctx)) allowOrigin(policy, response, origin);
    else if (!policy.anyOrigin) addVary(response);
    if (policy.exposeHeaders && response.headers.has("access-control-allow-origin"))
      response.headers.set("access-control-expose-headers", policy.exposeHeaders);
    return response;
  };
}

async function preflight(
  policy: Policy,
  ctx: BaseContext,
  origin: string,
  method: string,
  requestedHeaders: string | undefined,
): Promise<VialResponse> {
  const refuse = (what: string) => {
    const response = new PlainTextResponse(`Disallowed CORS ${what}`, { status: 400 });
    if (!policy.anyOrigin) addVary(response);
    return response;
  };
  if (!(await policy.isAllowed(origin, ctx))) return refuse("origin");
  if (policy.methods !== "*" && !policy.methods.includes(method.toUpperCase()))
    return refuse("method");
  const asked = (requestedHeaders ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== "");
  const allowedHeaders = policy.headers;
  if (allowedHeaders !== "*" && asked.some((h) => !allowedHeaders.has(h))) return refuse("headers");
  const response = new PlainTextResponse("OK", { status: 200 });
  allowOrigin(policy, response, origin);
  response.headers.set(
    "access-control-allow-methods",
    policy.methods === "*" ? method.toUpperCase() : policy.methods.join(", "),
  );
  const allowHeaders = allowedHeaders === "*" ? asked.join(", ") : policy.allowHeadersValue;
  if (allowHeaders) response.headers.set("access-control-allow-headers", allowHeaders);
  response.headers.set("access-control-max-age", policy.maxAge);
  return response;
}

function allowOrigin(policy: Policy, response: VialResponse, origin: string): void {
  const wildcard = policy.anyOrigin && !policy.credentials;
  response.headers.set("access-control-allow-origin", wildcard ? "*" : origin);
  if (!wildcard) addVary(response);
  if (policy.credentials) response.headers.set("access-control-allow-credentials", "true");
}

function addVary(response: VialResponse): void {
  const vary = response.headers.get("vary");
  if (!vary) response.headers.set("vary", "Origin");
  else if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary))
    response.headers.set("vary", `${vary}, Origin`);
}

function compilePolicy(options: CORSOptions): Policy {
  const origins = options?.origins;
  const credentials = options.credentials ?? false;
  if (origins === "*" && credentials) {
    throw new ConfigurationError(
      'cors({ origins: "*", credentials: true }) is refused: browsers reject `Access-Control-Allow-Origin: *` ' +
        "on requests with credentials, and answering every origin with credentials would let any web site make " +
        "requests with your users' cookies and read the answers. List the origins you trust " +
        '(origins: ["https://app.example.com"]), or drop credentials.',
    );
  }
  const headers =
    options.headers === "*" || options.headers === undefined
      ? "*"
      : new Set([...SAFELISTED, ...options.headers.map((h) => h.toLowerCase())]);
  return {
    anyOrigin: origins === "*",
    isAllowed: originCheck(origins),
    credentials,
    methods:
      options.methods === "*"
        ? "*"
        : (options.methods ?? DEFAULT_METHODS).map((m) => m.toUpperCase()),
    headers,
    allowHeadersValue: headers === "*" ? "" : [...headers].join(", "),
    exposeHeaders: (options.exposeHeaders ?? []).join(", "),
    maxAge: String(options.maxAge ?? 600),
  };
}

function originCheck(origins: CORSOptions["origins"] | undefined): Policy["isAllowed"] {
  if (origins === "*") return () => true;
  if (origins instanceof RegExp) {
    const whole = new RegExp(`^(?:${origins.source})$`, origins.flags.replace(/[gy]/g, ""));
    return (origin) => whole.test(origin);
  }
  if (typeof origins === "function") return origins;
  const list = typeof origins === "string" ? [origins] : origins;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigurationError(
      'cors(): `origins` is required: a list of origins such as ["https://app.example.com"], a RegExp, a function, or "*".',
    );
  }
  for (const origin of list) {
    if (origin === "*")
      throw new ConfigurationError('cors(): write origins: "*" rather than a list containing "*".');
    if (!ORIGIN.test(origin)) {
      throw new ConfigurationError(
        `cors(): '${origin}' is not an origin. An origin is scheme://host[:port] with no path or trailing slash, e.g. 'https://app.example.com'.`,
      );
    }
  }
  const allowed = new Set(list.map((o) => o.toLowerCase()));
  return (origin) => allowed.has(origin.toLowerCase());
}
