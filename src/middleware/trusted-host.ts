import { ConfigurationError } from "../errors.js";
import { PlainTextResponse } from "../response/responses.js";
import type { BaseContext } from "../types.js";
import type { Middleware } from "./compose.js";

export interface TrustedHostOptions {
  /** Host names the app answers to: exact (`example.com`), or a wildcard subdomain (`*.example.com`); `*` allows any. */
  allowedHosts: readonly string[];
}

/**
 * Refuses requests whose `Host` (or trusted `X-Forwarded-Host`) is not one of the app's: 400
 * "Invalid host header", as Starlette's TrustedHostMiddleware. Guards against Host header attacks
 * on absolute URLs built from the request (password-reset links, redirects).
 *
 * @example
 * app.use(trustedHost({ allowedHosts: ["example.com", "*.example.com"] }));
 */
export function trustedHost(options: TrustedHostOptions): Middleware<BaseContext> {
  const hosts = options.allowedHosts.map((h) => h.toLowerCase());
  if (hosts.length === 0)
    throw new ConfigurationError(
      "trustedHost(): allowedHosts is empty, so every request would be refused.",
    );
  for (const host of hosts) {
    if (host.includes("*") && host !== "*" && !/^\*\.[^*]+$/.test(host)) {
      throw new ConfigurationError(
        `trustedHost(): '${host}' is not a valid pattern; use 'example.com', '*.example.com' or '*'.`,
      );
    }
  }
  const any = hosts.includes("*");
  return function trustedHostMiddleware(ctx, next) {
    if (any || isAllowed(hostname(ctx.request.host), hosts)) return next();
    return new PlainTextResponse("Invalid host header", { status: 400 });
  };
}

function hostname(host: string): string {
  const lower = host.toLowerCase();
  if (lower.startsWith("[")) return lower.slice(0, lower.indexOf("]") + 1);
  const colon = lower.indexOf(":");
  return colon === -1 ? lower : lower.slice(0, colon);
}

function isAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) =>
    pattern.startsWith("*.") ? host.endsWith(pattern.slice(1)) : host === pattern,
  );
}
