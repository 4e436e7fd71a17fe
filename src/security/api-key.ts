import { type SchemeArgs, type SchemeOptions, SecurityScheme } from "./scheme.js";

export interface APIKeyOptions<E extends boolean> extends SchemeOptions<E> {
  /** The header, query parameter or cookie that carries the key. */
  name: string;
}

type Where = "header" | "query" | "cookie";

/**
 * An API key read from a header, a query parameter or a cookie; the value is the key. A missing
 * or empty key answers 401 with `WWW-Authenticate: APIKey`. Checking the key is yours: compare
 * it with `safeCompare` (constant-time), never `===`.
 */
abstract class APIKeyBase<E extends boolean> extends SecurityScheme<string, E> {
  readonly keyName: string;

  constructor(options: APIKeyOptions<E>, where: Where) {
    if (typeof options?.name !== "string" || options.name === "") {
      throw new TypeError(
        `new APIKey${where[0]!.toUpperCase()}${where.slice(1)}({ name }): name the ${where} that carries the key, e.g. { name: "X-API-Key" }.`,
      );
    }
    super(options, { type: "apiKey", in: where, name: options.name });
    this.keyName = options.name;
  }

  protected challenge(): string {
    // Not standardised for API keys; FastAPI sends this since 0.122 and clients may rely on it.
    return "APIKey";
  }

  protected read(args: SchemeArgs): string | undefined {
    const value = this.lookup(args);
    const key = Array.isArray(value) ? value[0] : value;
    return key ? key : undefined;
  }

  protected abstract lookup(args: SchemeArgs): string | string[] | undefined;
}

/**
 * An API key in a request header.
 *
 * @example
 * const apiKey = new APIKeyHeader({ name: "X-API-Key" });
 * const admin = depends({ key: apiKey }, ({ key }) => {
 *   if (!safeCompare(key, process.env.ADMIN_KEY!)) throw new HTTPException(401, "Invalid API key");
 * });
 * app.get("/admin/stats", { deps: [admin] }, () => stats());
 */
export class APIKeyHeader<E extends boolean = true> extends APIKeyBase<E> {
  readonly #header: string;

  constructor(options: APIKeyOptions<E>) {
    super(options, "header");
    this.#header = this.keyName.toLowerCase();
  }

  protected lookup({ request }: SchemeArgs): string | string[] | undefined {
    return request.headers[this.#header];
  }
}

/**
 * An API key in a query parameter (`?api_key=...`). Query strings end up in logs and browser
 * history: prefer a header where the client allows it.
 *
 * @example
 * app.get("/feed", { deps: { key: new APIKeyQuery({ name: "api_key" }) } }, ({ key }) => feedFor(key));
 */
export class APIKeyQuery<E extends boolean = true> extends APIKeyBase<E> {
  constructor(options: APIKeyOptions<E>) {
    super(options, "query");
  }

  protected lookup({ request }: SchemeArgs): string | string[] | undefined {
    return request.query[this.keyName];
  }
}

/**
 * An API key in a cookie.
 *
 * @example
 * app.get("/dashboard", { deps: { key: new APIKeyCookie({ name: "session" }) } }, ({ key }) => load(key));
 */
export class APIKeyCookie<E extends boolean = true> extends APIKeyBase<E> {
  constructor(options: APIKeyOptions<E>) {
    super(options, "cookie");
  }

  protected lookup({ request }: SchemeArgs): string | undefined {
    return request.cookies[this.keyName];
  }
}
