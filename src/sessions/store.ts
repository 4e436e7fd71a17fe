import type { SessionPayload } from "./session.js";

/**
 * Where server-side sessions live: the cookie then holds only a signed session id. Methods may
 * return promises (a Redis store will); `ttl` is the session's max age in seconds.
 *
 * @example
 * const app = new App({ secretKey, session: { store: new MemoryStore() } });
 */
export interface SessionStore {
  get(id: string): SessionPayload | undefined | Promise<SessionPayload | undefined>;
  set(id: string, payload: SessionPayload, ttl: number): void | Promise<void>;
  delete(id: string): void | Promise<void>;
}

/**
 * Sessions in this process's memory: for development, tests and single-process apps (they are
 * lost on restart and not shared between workers). Expired sessions are dropped when read and
 * swept every `sweepEvery` writes.
 *
 * @example
 * const app = new App({ secretKey: process.env.SECRET_KEY, session: { store: new MemoryStore() } });
 */
export class MemoryStore implements SessionStore {
  readonly #sessions = new Map<string, { payload: string; expires: number }>();
  #writes = 0;

  constructor(private readonly sweepEvery = 1000) {}

  get(id: string): SessionPayload | undefined {
    const entry = this.#sessions.get(id);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    // Stored as JSON, so a caller changing the object it got does not change the store.
    return JSON.parse(entry.payload) as SessionPayload;
  }

  set(id: string, payload: SessionPayload, ttl: number): void {
    this.#sessions.set(id, { payload: JSON.stringify(payload), expires: Date.now() + ttl * 1000 });
    if (++this.#writes % this.sweepEvery === 0) this.sweep();
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  /** How many sessions are stored (expired ones not yet swept included). */
  get size(): number {
    return this.#sessions.size;
  }

  /** Drops every expired session. */
  sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.#sessions) if (entry.expires <= now) this.#sessions.delete(id);
  }
}
