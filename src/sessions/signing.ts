import { createHmac, timingSafeEqual } from "node:crypto";
import { ConfigurationError } from "../errors.js";

/** Why a signed value was refused. */
export type UnsignFailure = "malformed" | "bad signature" | "expired";

export type Unsigned =
  | {
      readonly ok: true;
      readonly value: string;
      readonly issuedAt: number;
      readonly fallback: boolean;
    }
  | { readonly ok: false; readonly reason: UnsignFailure };

/**
 * Signs values with HMAC-SHA256, as Flask's itsdangerous does for its session cookie:
 * `value.timestamp.signature`, all base64url. The key is derived from the secret and a salt, so
 * one secret can sign several kinds of values without one standing in for another. Values
 * signed with a fallback key (key rotation) still verify, and say so.
 */
export class Signer {
  readonly #keys: Buffer[];

  constructor(secretKey: string, fallbacks: readonly string[], salt: string) {
    for (const secret of [secretKey, ...fallbacks]) {
      if (typeof secret !== "string" || secret.length === 0) {
        throw new ConfigurationError(
          "`secretKey` and `secretKeyFallbacks` must be non-empty strings. Generate one with " +
            `node -e "console.log(require('node:crypto').randomBytes(32).toString('hex'))".`,
        );
      }
    }
    this.#keys = [secretKey, ...fallbacks].map((secret) =>
      createHmac("sha256", secret).update(`vial.${salt}`).digest(),
    );
  }

  /** `value` (base64url-safe text) with its timestamp and signature under the current key. */
  sign(value: string, now = Date.now()): string {
    const signed = `${value}.${Math.floor(now / 1000).toString(36)}`;
    return `${signed}.${mac(this.#keys[0]!, signed)}`;
  }

  /** Checks the signature with each key and the age against `maxAge` seconds. */
  unsign(token: string, maxAge: number, now = Date.now()): Unsigned {
    const last = token.lastIndexOf(".");
    const middle = token.lastIndexOf(".", last - 1);
    if (middle <= 0) return { ok: false, reason: "malformed" };
    const signed = token.slice(0, last);
    const given = Buffer.from(token.slice(last + 1), "base64url");
    const index = this.#keys.findIndex((key) => {
      const expected = Buffer.from(mac(key, signed), "base64url");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (index === -1) return { ok: false, reason: "bad signature" };
    const issuedAt = Number.parseInt(token.slice(middle + 1, last), 36) * 1000;
    if (!Number.isFinite(issuedAt)) return { ok: false, reason: "malformed" };
    if (now - issuedAt > maxAge * 1000) return { ok: false, reason: "expired" };
    return { ok: true, value: token.slice(0, middle), issuedAt, fallback: index > 0 };
  }
}

function mac(key: Buffer, text: string): string {
  return createHmac("sha256", key).update(text).digest("base64url");
}
