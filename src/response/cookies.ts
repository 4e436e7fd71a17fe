import { serialize } from "cookie";

/** Options for a cookie the response sets, as Starlette's `set_cookie` takes them. */
export interface CookieOptions {
  /** Seconds until the cookie expires; `0` deletes it. */
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: "lax" | "strict" | "none";
  partitioned?: boolean;
}

/** The `Set-Cookie` line for a cookie; `path` defaults to `/` as in Starlette. */
export function setCookieLine(name: string, value: string, options: CookieOptions = {}): string {
  return serialize(name, value, { path: "/", ...options });
}

/** A `Set-Cookie` line that makes the browser forget the cookie. */
export function deleteCookieLine(
  name: string,
  options: Omit<CookieOptions, "maxAge" | "expires"> = {},
): string {
  return serialize(name, "", { path: "/", ...options, maxAge: 0, expires: new Date(0) });
}
