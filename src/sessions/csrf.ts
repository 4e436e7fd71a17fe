import { randomBytes, timingSafeEqual } from "node:crypto";
import { HTTPException, withoutStack } from "../errors.js";
import type { Exchange } from "../exchange.js";
import { isJsonMediaType, mediaTypeOf } from "../request/body.js";
import type { SessionObject } from "./session.js";
import type { Sessions } from "./sessions.js";

/** CSRF protection settings (`new App({ csrf: {...} })`; `csrf: false` turns it off). */
export interface CsrfOptions {
  /** The form field carrying the token (default `csrf_token`, as Flask-WTF). */
  field?: string;
  /** The header carrying the token, for scripts (default `X-CSRF-Token`). */
  header?: string;
}

/** The methods that change state; only these are checked. */
export const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const SIZE = 32;

/**
 * A token for the session's CSRF secret, masked with fresh random bytes so it differs on every
 * page (a compressed HTTPS response then cannot leak it, the BREACH attack). Makes the secret
 * on first use, which adds it to the session.
 */
export function maskedToken(session: SessionObject): string {
  const secret = Buffer.from(session.csrfSecret(), "base64url");
  const mask = randomBytes(SIZE);
  const masked = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) masked[i] = secret[i]! ^ mask[i]!;
  return Buffer.concat([mask, masked]).toString("base64url");
}

/** Whether `token` is a masked form of the session's secret. */
export function tokenMatches(session: SessionObject, token: string): boolean {
  const secret = session.peekCsrfSecret();
  if (secret === undefined) return false;
  const bytes = Buffer.from(token, "base64url");
  if (bytes.length !== SIZE * 2) return false;
  const unmasked = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) unmasked[i] = bytes[i]! ^ bytes[i + SIZE]!;
  const expected = Buffer.from(secret, "base64url");
  return expected.length === SIZE && timingSafeEqual(unmasked, expected);
}

/**
 * Checks the CSRF token of an unsafe request on a session-backed route: from the header, or
 * from the form field (the form has been read by then). JSON bodies are not checked: a page on
 * another site cannot send one without a CORS preflight. Missing or wrong token: 403.
 */
export function checkCsrf(x: Exchange, sessions: Sessions, options: CsrfOptions): void {
  if (isJsonMediaType(mediaTypeOf(x.req.headers["content-type"]))) return;
  const header = x.req.headers[(options.header ?? "x-csrf-token").toLowerCase()];
  const field = x.formFields?.[options.field ?? "csrf_token"];
  const given = first(header) ?? first(field);
  if (!given) {
    throw forbidden(
      `The CSRF token is missing. Forms that post to this route must include {{ csrf_field() }}; scripts send the ${options.header ?? "X-CSRF-Token"} header.`,
    );
  }
  if (!tokenMatches(sessions.get(x), given)) {
    throw forbidden(
      "The CSRF token is invalid or has expired (the session changed). Reload the page and submit the form again.",
    );
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function forbidden(detail: string): HTTPException {
  return withoutStack(() => new HTTPException(403, detail));
}
