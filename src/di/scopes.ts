import { Dependency } from "./dependency.js";

/**
 * The OAuth2 scopes required along the dependency chain from the route down to a dependency,
 * FastAPI's `SecurityScopes`. Declare it in a dependency's spec to receive it.
 */
export interface SecurityScopes {
  /** Every scope required by `Security(...)` above this dependency, outermost first. */
  readonly scopes: readonly string[];
  /** The same scopes separated by spaces, as OAuth2 writes them (`scope="me items"`). */
  readonly scopeStr: string;
}

/**
 * Stands for the scopes required along the dependency chain: put it in `depends(spec, fn)`'s spec
 * and `fn` receives a {@link SecurityScopes} value. Vial fills it in when it analyses the route.
 *
 * @example
 * const currentUser = depends({ securityScopes: SecurityScopes, token: oauth2 },
 *   async ({ securityScopes, token }) => {
 *     const claims = await verifyJWT(token, secret);
 *     requireScopes(securityScopes, claims.scopes as string[]);
 *     return claims.sub;
 *   });
 */
export const SecurityScopes: Dependency<SecurityScopes> = new Dependency(
  {},
  {},
  function SecurityScopes() {
    return scopesValue([]);
  },
);

/** A frozen {@link SecurityScopes} value for a list of scopes. */
export function scopesValue(scopes: readonly string[]): SecurityScopes {
  return Object.freeze({ scopes: Object.freeze([...scopes]), scopeStr: scopes.join(" ") });
}

/**
 * A dependency used with OAuth2 scopes required: made by {@link Security}. The analysis unwraps
 * it, so it adds no step of its own; used anywhere else it passes its target's value through.
 */
export class ScopedDependency<T = unknown> extends Dependency<T> {
  readonly target: Dependency<T>;
  readonly requiredScopes: readonly string[];

  constructor(target: Dependency<T>, scopes: readonly string[]) {
    super({}, { value: target as Dependency }, ({ value }: { value: T }) => value, {
      cache: target.cache,
    });
    this.target = target;
    this.requiredScopes = Object.freeze([...scopes]);
  }

  override get name(): string {
    return this.target.name;
  }
}

/**
 * A dependency with OAuth2 scopes it requires, FastAPI's `Security(dep, scopes=[...])`. The value
 * is `dep`'s; the scopes add up along the chain, reach dependencies that declare
 * {@link SecurityScopes}, and are listed in the operation's OpenAPI `security`.
 *
 * @example
 * app.get("/users/me/items", { deps: { user: Security(currentUser, ["items"]) } },
 *   ({ user }) => listItems(user));
 */
export function Security<T>(dep: Dependency<T>, scopes: readonly string[] = []): Dependency<T> {
  if (!(dep instanceof Dependency)) {
    throw new TypeError(
      `Security(dep, scopes): dep must be a dependency (made with depends() or a security scheme), got ${typeof dep}.`,
    );
  }
  for (const scope of scopes) {
    if (typeof scope !== "string" || scope === "" || /\s/.test(scope)) {
      throw new TypeError(
        `Security(${dep.name}, scopes): '${String(scope)}' is not a scope. Scopes are non-empty strings without spaces, e.g. "items:read".`,
      );
    }
  }
  return new ScopedDependency(dep, scopes);
}
