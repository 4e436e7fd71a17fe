import { randomBytes } from "node:crypto";
import { ConfigurationError } from "../errors.js";
import type { Exchange } from "../exchange.js";
import type { Logger } from "../logger.js";
import { setCookieLine } from "../response/cookies.js";
import type { VialResponse } from "../response/responses.js";
import type { Schema } from "../validation/schema.js";
import { type SessionData, SessionObject, type SessionPayload } from "./session.js";
import { Signer } from "./signing.js";
import type { SessionStore } from "./store.js";

/** Session settings (`new App({ secretKey, session: {...} })`). */
export interface SessionOptions<D extends object = SessionData> {
  /** Types and checks `ctx.session`; every field must be optional or have a default. */
  schema?: Schema<any, D>;
  /** The cookie's name (default `session`, as Flask). */
  cookieName?: string;
  /** Seconds a session lives without being refreshed (default 31 days, as Flask). */
  maxAge?: number;
  /** Keep session data on the server; the cookie then holds only a signed id. */
  store?: SessionStore;
  /** `"auto"` (default): `Secure` when the request came over HTTPS. */
  secure?: boolean | "auto";
  /** Default `"lax"`: the cookie is not sent with cross-site POSTs. */
  sameSite?: "lax" | "strict" | "none";
  domain?: string;
  path?: string;
  /** Believe `X-Forwarded-Proto` from a reverse proxy when deciding `Secure` (default false). */
  trustProxy?: boolean;
}

/** A session as loaded for one request, with what is needed to save it. */
export class LoadedSession {
  constructor(
    readonly object: SessionObject,
    /** The payload as loaded (`""` when empty), to tell whether it changed. */
    readonly json: string,
    readonly hadCookie: boolean,
    readonly issuedAt: number,
    /** Signed with a fallback key: re-sign it with the current one. */
    readonly resign: boolean,
    /** The server-side session's id. */
    readonly id: string | undefined,
  ) {}
}

const MONTH = 31 * 24 * 60 * 60;
const MAX_COOKIE = 4093;

/**
 * Signed cookie sessions like Flask's, or server-side ones with a {@link SessionStore}. A
 * tampered, expired or unreadable cookie is logged and gives an empty session; a cookie signed
 * with a fallback key is accepted and signed again with the current key.
 */
export class Sessions {
  readonly cookieName: string;
  readonly maxAge: number;
  readonly store: SessionStore | undefined;
  readonly #signer: Signer;
  readonly #options: SessionOptions<any>;
  readonly #logger: Logger;

  constructor(
    secretKey: string,
    fallbacks: readonly string[],
    options: SessionOptions<any>,
    logger: Logger,
  ) {
    this.#signer = new Signer(secretKey, fallbacks, "session");
    this.#options = options;
    this.#logger = logger;
    this.cookieName = options.cookieName ?? "session";
    this.maxAge = options.maxAge ?? MONTH;
    this.store = options.store;
    if (options.schema && validateData(options.schema, {}) === undefined) {
      throw new ConfigurationError(
        "The session `schema` must accept an empty session: make every field optional or give it a default.",
      );
    }
  }

  /** The request's session, loaded from its cookie on first use (cookie sessions). */
  get(x: Exchange): SessionObject {
    if (x.session) return x.session.object;
    if (this.store) {
      throw new Error("A server-side session is read before the request is handled; none was.");
    }
    x.session = this.#fromCookie(x);
    // The session cookie is written with the response, which the fast path would skip.
    void x.response;
    return x.session.object;
  }

  /** Loads a server-side session before the request is handled (stores may be asynchronous). */
  async preload(x: Exchange): Promise<void> {
    if (x.session) return;
    const token = x.rawCookies()[this.cookieName];
    const unsigned = token ? this.#unsign(x, token) : undefined;
    let payload: SessionPayload | undefined;
    if (unsigned) {
      payload = await this.store!.get(unsigned.value);
      if (!payload) this.#reject(x, "unknown or expired id");
    }
    const object = this.#object(x, payload);
    x.session = new LoadedSession(
      object,
      snapshot(object),
      token !== undefined,
      unsigned?.issuedAt ?? Date.now(),
      unsigned?.fallback ?? false,
      payload ? unsigned?.value : undefined,
    );
    void x.response;
  }

  /** Adds the session's `Set-Cookie` to the response when it changed (and saves a stored one). */
  commit(x: Exchange, response: VialResponse): void | Promise<void> {
    const loaded = x.session;
    if (!loaded) return;
    const vary = response.headers.get("vary");
    if (!vary) response.headers.set("vary", "Cookie");
    else if (!/\bcookie\b/i.test(vary)) response.headers.set("vary", `${vary}, Cookie`);
    const payload = loaded.object.toPayload();
    const json = payload ? JSON.stringify(payload) : "";
    const stale = Date.now() - loaded.issuedAt > (this.maxAge * 1000) / 2;
    if (this.store) return this.#commitStored(x, response, loaded, payload, json, stale);
    if (!payload) {
      if (loaded.hadCookie) this.#deleteCookie(x, response);
      return;
    }
    if (json === loaded.json && !loaded.resign && !stale) return;
    const value = this.#signer.sign(Buffer.from(json).toString("base64url"));
    if (value.length > MAX_COOKIE) {
      this.#logger.warn(
        { requestId: x.requestId, size: value.length },
        `The session cookie is ${value.length} bytes; browsers drop cookies over 4 KB. Store less in the session, or use a server-side store (session: { store }).`,
      );
    }
    response.headers.append("set-cookie", setCookieLine(this.cookieName, value, this.#cookie(x)));
  }

  async #commitStored(
    x: Exchange,
    response: VialResponse,
    loaded: LoadedSession,
    payload: SessionPayload | undefined,
    json: string,
    stale: boolean,
  ): Promise<void> {
    const store = this.store!;
    if (!payload) {
      if (loaded.id) await store.delete(loaded.id);
      if (loaded.hadCookie) this.#deleteCookie(x, response);
      return;
    }
    let id = loaded.id;
    // A cleared session (log-in, log-out) gets a new id, so an old id cannot be reused.
    if (id === undefined || loaded.object.cleared) {
      if (id !== undefined) await store.delete(id);
      id = randomBytes(24).toString("base64url");
    }
    const fresh = id !== loaded.id;
    if (fresh || json !== loaded.json || stale) await store.set(id, payload, this.maxAge);
    if (fresh || loaded.resign || stale) {
      const value = this.#signer.sign(id);
      response.headers.append("set-cookie", setCookieLine(this.cookieName, value, this.#cookie(x)));
    }
  }

  #fromCookie(x: Exchange): LoadedSession {
    const token = x.rawCookies()[this.cookieName];
    const unsigned = token ? this.#unsign(x, token) : undefined;
    let payload: SessionPayload | undefined;
    if (unsigned) {
      try {
        payload = JSON.parse(Buffer.from(unsigned.value, "base64url").toString("utf8"));
      } catch {
        this.#reject(x, "unreadable payload");
      }
    }
    const object = this.#object(x, payload);
    return new LoadedSession(
      object,
      snapshot(object),
      token !== undefined,
      unsigned?.issuedAt ?? Date.now(),
      unsigned?.fallback ?? false,
      undefined,
    );
  }

  #unsign(
    x: Exchange,
    token: string,
  ): { value: string; issuedAt: number; fallback: boolean } | undefined {
    const result = this.#signer.unsign(token, this.maxAge);
    if (result.ok) return result;
    this.#reject(x, result.reason);
    return undefined;
  }

  #object(x: Exchange, payload: SessionPayload | undefined): SessionObject {
    const schema = this.#options.schema;
    if (!schema) return new SessionObject(payload ?? {});
    const data = validateData(schema, payload?.d ?? {});
    if (data !== undefined) return new SessionObject({ ...payload, d: data });
    this.#reject(x, "data does not match the session schema");
    return new SessionObject({ d: validateData(schema, {}) });
  }

  #reject(x: Exchange, reason: string): void {
    this.#logger.warn(
      { requestId: x.requestId, reason },
      `Session cookie ignored (${reason}): the request gets an empty session`,
    );
  }

  #cookie(x: Exchange) {
    const options = this.#options;
    return {
      httpOnly: true,
      sameSite: options.sameSite ?? "lax",
      secure:
        options.secure === "auto" || options.secure === undefined
          ? isHttps(x, options)
          : options.secure,
      maxAge: this.maxAge,
      path: options.path ?? "/",
      domain: options.domain,
    } as const;
  }

  #deleteCookie(x: Exchange, response: VialResponse): void {
    const { path, domain } = this.#cookie(x);
    response.deleteCookie(this.cookieName, { path, domain });
  }
}

/** The session as stored, to tell whether a request changed it; `""` when empty. */
function snapshot(object: SessionObject): string {
  const payload = object.toPayload();
  return payload ? JSON.stringify(payload) : "";
}

function isHttps(x: Exchange, options: SessionOptions<any>): boolean {
  if (x.request.protocol === "https") return true;
  if (!options.trustProxy) return false;
  const forwarded = x.req.headers["x-forwarded-proto"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return first === "https";
}

/** The schema's output for `data`, or `undefined` when it does not validate. */
function validateData(schema: Schema, data: unknown): Record<string, unknown> | undefined {
  const result = schema["~standard"].validate(data);
  if (result instanceof Promise) {
    throw new ConfigurationError(
      "The session `schema` must validate synchronously (no async checks).",
    );
  }
  return result.issues ? undefined : (result.value as Record<string, unknown>);
}
