import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { parse as parseCookies } from "cookie";
import { readBody } from "./body.js";
import { clientAddress, forwarded, type Trust } from "./proxy.js";
import { nullRecord, parseQuery, type RawValues } from "./query.js";

/** What the request view needs from the exchange that owns it. */
export interface RequestSource {
  readonly req: IncomingMessage;
  readonly path: string;
  readonly search: string;
  readonly bodyLimit: number;
  readonly bodyTimeout: number;
  /** Which proxies may speak for the client (the app's compiled `trustProxy`). */
  readonly trust: Trust | undefined;
  rawBody: Buffer | undefined;
  rawQuery(): RawValues;
  rawCookies(): Record<string, string | undefined>;
  formFields: RawValues | undefined;
}

/**
 * The request as handlers see it (`ctx.request`): the raw inputs, undeclared and unvalidated, for
 * when a schema is not the right tool.
 *
 * @example
 * app.get("/echo", async ({ request }) => ({ ua: request.headers["user-agent"], body: await request.text() }));
 */
export class VialRequest {
  readonly #source: RequestSource;
  #url: URL | undefined;

  constructor(source: RequestSource) {
    this.#source = source;
  }

  /** The node request, for what Vial does not wrap. */
  get raw(): IncomingMessage {
    return this.#source.req;
  }

  get method(): string {
    return this.#source.req.method ?? "GET";
  }

  /** The path, percent-encoded as received, without the query string. */
  get path(): string {
    return this.#source.path;
  }

  /** The query string without `?`, as received. */
  get queryString(): string {
    return this.#source.search;
  }

  /** The full URL, built from the `Host` header. */
  get url(): URL {
    this.#url ??= new URL(this.#source.req.url ?? "/", `${this.protocol}://${this.host}`);
    return this.#url;
  }

  /** The host the client asked for: `X-Forwarded-Host` from a trusted proxy, else `Host`. */
  get host(): string {
    const source = this.#source;
    return (
      forwarded(source.req, source.trust, "x-forwarded-host") ??
      source.req.headers.host ??
      "localhost"
    );
  }

  /** `https` on TLS, or when a trusted proxy says so in `X-Forwarded-Proto`; else `http`. */
  get protocol(): "http" | "https" {
    const source = this.#source;
    if ((source.req.socket as TLSSocket | undefined)?.encrypted) return "https";
    return forwarded(source.req, source.trust, "x-forwarded-proto")?.toLowerCase() === "https"
      ? "https"
      : "http";
  }

  /** The client's address: the peer's, or from `X-Forwarded-For` through trusted proxies (`trustProxy`). */
  get ip(): string | undefined {
    return clientAddress(this.#source.req, this.#source.trust);
  }

  /** Header values by lowercase name, as node gives them. */
  get headers(): IncomingHttpHeaders {
    return this.#source.req.headers;
  }

  /** Query values by name; a name sent several times gives an array. */
  get query(): RawValues {
    return this.#source.rawQuery();
  }

  get cookies(): Record<string, string | undefined> {
    return this.#source.rawCookies();
  }

  /**
   * The form fields as received, unvalidated, once a form body was read (a route taking `form`
   * or `files`, or a CSRF-checked post); else empty. Templates read it as Flask's `request.form`.
   */
  get form(): RawValues {
    return this.#source.formFields ?? NO_FIELDS;
  }

  /** The body's bytes (read once, within the app's `bodyLimit`). */
  async body(): Promise<Buffer> {
    const source = this.#source;
    source.rawBody ??= await readBody(source.req, source.bodyLimit, source.bodyTimeout);
    return source.rawBody;
  }

  async text(): Promise<string> {
    return (await this.body()).toString("utf8");
  }

  /** The body parsed as JSON, without validation. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

const NO_FIELDS: RawValues = Object.freeze(Object.create(null));

export function parseCookieHeader(header: string | undefined): Record<string, string | undefined> {
  return header ? parseCookies(header) : nullRecord();
}

export { parseQuery };
