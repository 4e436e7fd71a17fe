import { randomBytes } from "node:crypto";

/**
 * The session's data as routers see it, for apps without a session `schema`. Augment it once
 * for the whole program to type `ctx.session` everywhere:
 *
 * @example
 * declare module "vial" {
 *   interface SessionData { userId?: number }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by users through declaration merging
export interface SessionData {}

/** A flashed message and its category (`"message"` unless given). */
export interface FlashedMessage {
  category: string;
  message: string;
}

/** Options of `getFlashedMessages`, as Flask's `get_flashed_messages` takes them. */
export interface FlashOptions {
  /** Give `[category, message]` pairs instead of messages. */
  withCategories?: boolean;
  /** Only messages of these categories. */
  categoryFilter?: readonly string[];
}

/** What every session has besides its data. */
export interface SessionMethods {
  /** Empties the session: data, flashed messages and the CSRF token (log-out, or log-in). */
  clear(): void;
  /** Keeps a message for the next page that shows flashed messages (Flask's `flash`). */
  flash(message: string, category?: string): void;
  /**
   * The flashed messages, taken out of the session: they are shown once. Calls within one
   * request give the same messages.
   */
  getFlashedMessages(options?: FlashOptions & { withCategories?: false }): string[];
  getFlashedMessages(options: FlashOptions & { withCategories: true }): [string, string][];
}

/** `ctx.session`: the data (typed by the app's session schema, or `SessionData`) and methods. */
export type Session<D = SessionData> = (keyof D extends never ? Record<string, unknown> : D) &
  SessionMethods;

/** How a session is stored: its data, flashed messages and CSRF token. */
export interface SessionPayload {
  d?: Record<string, unknown>;
  f?: [string, string][];
  c?: string;
}

/**
 * The runtime session. Data lives in own properties, so `session.userId = 3` just works and
 * `JSON.stringify` sees only data; the framework's state is in private fields. Whether anything
 * changed is found by comparing the serialized payload with the one loaded, which also catches
 * changes inside nested objects (Flask needs `session.modified = True` for those).
 */
export class SessionObject implements SessionMethods {
  #flashes: [string, string][];
  #taken: [string, string][] | undefined = undefined;
  #csrf: string | undefined;
  #cleared = false;

  constructor(payload: SessionPayload) {
    Object.assign(this, payload.d);
    this.#flashes = payload.f ?? [];
    this.#csrf = payload.c;
  }

  clear(): void {
    for (const key of Object.keys(this)) delete (this as Record<string, unknown>)[key];
    this.#flashes = [];
    this.#taken = undefined;
    this.#csrf = undefined;
    this.#cleared = true;
  }

  flash(message: string, category = "message"): void {
    this.#flashes.push([category, String(message)]);
  }

  getFlashedMessages(options?: FlashOptions): any {
    if (this.#taken === undefined) {
      this.#taken = this.#flashes;
      this.#flashes = [];
    }
    const filter = options?.categoryFilter;
    const chosen = filter ? this.#taken.filter(([c]) => filter.includes(c)) : this.#taken;
    return options?.withCategories ? chosen.map(([c, m]) => [c, m]) : chosen.map(([, m]) => m);
  }

  /** Whether `clear()` was called (a server-side session then gets a new id). */
  get cleared(): boolean {
    return this.#cleared;
  }

  /** The session's CSRF token, made on first use. */
  csrfSecret(): string {
    this.#csrf ??= randomBytes(32).toString("base64url");
    return this.#csrf;
  }

  /** The CSRF token if one was made, without making one. */
  peekCsrfSecret(): string | undefined {
    return this.#csrf;
  }

  /** The payload to store; `undefined` when the session is empty. */
  toPayload(): SessionPayload | undefined {
    const payload: SessionPayload = {};
    const data = { ...this } as Record<string, unknown>;
    if (Object.keys(data).length > 0) payload.d = data;
    if (this.#flashes.length > 0) payload.f = this.#flashes;
    if (this.#csrf !== undefined) payload.c = this.#csrf;
    return payload.d || payload.f || payload.c ? payload : undefined;
  }
}
