import { type CookieOptions, deleteCookieLine, setCookieLine } from "./cookies.js";
import { HeaderMap } from "./headers.js";

/**
 * What a handler sets on its response without building one (`ctx.response`): status, headers,
 * cookies. Applied to whatever the handler returns, a returned response's own values winning.
 *
 * @example
 * app.post("/login", ({ response }) => {
 *   response.setCookie("session", "abc", { httpOnly: true });
 *   response.status = 201;
 *   return { ok: true };
 * });
 */
export class ResponseState {
  /** Overrides the route's `status` when set. */
  status: number | undefined = undefined;
  readonly headers = new HeaderMap();

  setCookie(name: string, value: string, options?: CookieOptions): void {
    this.headers.append("set-cookie", setCookieLine(name, value, options));
  }

  deleteCookie(name: string, options?: Omit<CookieOptions, "maxAge" | "expires">): void {
    this.headers.append("set-cookie", deleteCookieLine(name, options));
  }
}
