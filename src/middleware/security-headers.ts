import type { BaseContext } from "../types.js";
import type { Middleware } from "./compose.js";

/** Helmet's default headers: safe for APIs and for server-rendered pages without inline scripts. */
export const DEFAULT_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';" +
    "img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';" +
    "style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
};

/**
 * Adds helmet's default security headers to every response that does not set them itself.
 * Override one by name, or turn it off with `false`.
 *
 * @example
 * app.use(securityHeaders({ "x-frame-options": "DENY", "content-security-policy": false }));
 */
export function securityHeaders(
  overrides: Record<string, string | false> = {},
): Middleware<BaseContext> {
  const headers: [string, string][] = [];
  const merged: Record<string, string | false> = { ...DEFAULT_SECURITY_HEADERS };
  for (const [name, value] of Object.entries(overrides)) merged[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(merged))
    if (value !== false) headers.push([name, value]);
  return async function securityHeadersMiddleware(_ctx, next) {
    const response = await next();
    for (const [name, value] of headers)
      if (!response.headers.has(name)) response.headers.set(name, value);
    return response;
  };
}
