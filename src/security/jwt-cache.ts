import type { KeyObject } from "node:crypto";
import type { JWTPayload } from "jose";

interface Entry {
  readonly key: KeyObject;
  readonly fingerprint: string;
  readonly claims: JWTPayload;
}

/**
 * Tokens verified recently, by their exact text: a client sends the same bearer token with
 * every request, and checking its signature again (WebCrypto, about 30 µs) would give the same
 * answer. An entry only serves the same key and the same checks (algorithms, audience, issuer,
 * subject, required claims); the time-based claims are checked again at every use. Only tokens
 * that passed verification get in, so the cache cannot be filled with forgeries; the oldest
 * entry leaves when it is full.
 */
export class VerifiedTokens {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  get(token: string, key: KeyObject, fingerprint: string): JWTPayload | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined || entry.key !== key || entry.fingerprint !== fingerprint)
      return undefined;
    return structuredClone(entry.claims);
  }

  set(token: string, key: KeyObject, fingerprint: string, claims: JWTPayload): void {
    if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(token, { key, fingerprint, claims: structuredClone(claims) });
  }

  clear(): void {
    this.#entries.clear();
  }
}
