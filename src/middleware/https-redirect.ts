import { RedirectResponse } from "../response/responses.js";
import type { BaseContext } from "../types.js";
import type { Middleware } from "./compose.js";

/**
 * Redirects plain-HTTP requests to the same URL over HTTPS (307, method and body kept), as
 * Starlette's HTTPSRedirectMiddleware. Behind a TLS-terminating proxy, set `trustProxy` so
 * `X-Forwarded-Proto: https` counts as HTTPS.
 *
 * @example
 * const app = new App({ trustProxy: 1 });
 * app.use(httpsRedirect());
 */
export function httpsRedirect(): Middleware<BaseContext> {
  return function httpsRedirectMiddleware(ctx, next) {
    const request = ctx.request;
    if (request.protocol === "https") return next();
    const host = request.host.replace(/:80$/, "");
    const target = `https://${host}${request.path}${request.queryString ? `?${request.queryString}` : ""}`;
    return new RedirectResponse(target, { status: 307 });
  };
}
