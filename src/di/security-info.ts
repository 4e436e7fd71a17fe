import { ConfigurationError } from "../errors.js";
import type { Plan } from "./analyse.js";

/** An OpenAPI security scheme object (`components.securitySchemes` entry). */
export type SecuritySchemeObject = Record<string, unknown>;

/** What a security dependency contributes to the OpenAPI document. */
export interface OpenAPISecurity {
  /** The scheme's name in `components.securitySchemes`. */
  name: string;
  scheme: SecuritySchemeObject;
  /** OAuth2 scopes the operation requires. */
  scopes: string[];
}

/**
 * The security schemes a route requires, from its compiled dependency plan: one entry per scheme
 * used anywhere in its dependencies (app, include, router and route `deps`), with the OAuth2
 * scopes `Security(...)` requires along the way (`step.scopes`; a scheme's own
 * `security.scopes` is only what it requires by itself). The OpenAPI generator emits each
 * `scheme` under `components.securitySchemes[name]`, and, since every dependency runs, all of
 * them as one requirement: `security: [{ [name]: scopes, ... }]`.
 *
 * @example
 * const requirement: Record<string, string[]> = {};
 * for (const { name, scheme, scopes } of planSecurity(route.plan)) {
 *   components.securitySchemes[name] = scheme;
 *   requirement[name] = scopes;
 * }
 * operation.security = Object.keys(requirement).length ? [requirement] : [];
 */
export function planSecurity(plan: Plan, where = "A route"): OpenAPISecurity[] {
  const byName = new Map<string, OpenAPISecurity>();
  for (const step of plan.steps) {
    const info = step.dep.security;
    if (!info) continue;
    // Only OAuth2 and OpenID Connect requirements carry scopes (OpenAPI 3.1, Security Requirement Object).
    const scoped = info.scheme.type === "oauth2" || info.scheme.type === "openIdConnect";
    const scopes = scoped ? [...info.scopes, ...step.scopes] : [];
    const known = byName.get(info.name);
    if (known && JSON.stringify(known.scheme) !== JSON.stringify(info.scheme)) {
      throw new ConfigurationError(
        `Route ${where}: two different security schemes are named '${info.name}'. Give one another scheme name.`,
      );
    }
    if (known) known.scopes = [...new Set([...known.scopes, ...scopes])];
    else
      byName.set(info.name, { name: info.name, scheme: info.scheme, scopes: [...new Set(scopes)] });
  }
  return [...byName.values()];
}
