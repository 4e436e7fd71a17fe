import FindMyWay from "find-my-way";
import { ConfigurationError } from "../errors.js";
import type { PathTemplate } from "./path.js";

export interface Match<T> {
  readonly value: T;
  readonly params: Record<string, string | undefined>;
}

/**
 * Finds the route for a method and path. Small on purpose, so the implementation can change
 * behind it (see test/routing/matcher.test.ts, which any implementation must pass).
 */
export interface Matcher<T> {
  add(method: string, template: PathTemplate, value: T): void;
  /** `path` is the raw, percent-encoded request path, without the query string. */
  find(method: string, path: string): Match<T> | null;
  /** Every method some route answers on this path, for `405` and its `Allow` header. */
  methodsFor(path: string): string[];
}

const NO_PARAMS: Record<string, string | undefined> = Object.freeze(Object.create(null));

/**
 * The matcher on find-my-way (a radix tree): matching time does not grow with the number of
 * routes. Static paths are looked up in a plain map first, which is cheaper still.
 */
export class RadixMatcher<T> implements Matcher<T> {
  readonly #router = FindMyWay({
    maxParamLength: 8192,
    ignoreTrailingSlash: false,
    caseSensitive: true,
    // Vial splits the query string off before matching; this spares an object per match.
    querystringParser: () => NO_PARAMS,
  });
  readonly #static = new Map<string, Map<string, Match<T>>>();
  /**
   * The lengths of the static paths: a path of another length is not looked up in the map,
   * which would cost a param route about a third of its matching time (hashing a new string).
   */
  readonly #staticLengths: boolean[] = [];
  readonly #methods = new Set<string>();

  add(method: string, template: PathTemplate, value: T): void {
    this.#methods.add(method);
    if (template.names.length === 0) {
      const byPath = this.#static.get(method) ?? new Map<string, Match<T>>();
      this.#static.set(method, byPath);
      if (byPath.has(template.path)) throw duplicate(method, template.path);
      byPath.set(template.path, { value, params: NO_PARAMS });
      this.#staticLengths[template.path.length] = true;
      return;
    }
    try {
      this.#router.on(method as FindMyWay.HTTPMethod, template.pattern, () => undefined, { value });
    } catch (error) {
      if (String(error).includes("already declared")) throw duplicate(method, template.path);
      throw new ConfigurationError(`Route ${method} ${template.path}: ${(error as Error).message}`);
    }
  }

  find(method: string, path: string): Match<T> | null {
    if (this.#staticLengths[path.length] === true) {
      const hit = this.#static.get(method)?.get(path);
      if (hit) return hit;
    }
    const found = this.#router.find(method as FindMyWay.HTTPMethod, path);
    if (!found) return null;
    // A {param} matches one or more characters, as in Starlette: `/users/` is not `/users/{id}`.
    for (const key in found.params) if (key !== "*" && found.params[key] === "") return null;
    return { value: (found.store as { value: T }).value, params: found.params };
  }

  methodsFor(path: string): string[] {
    const found = [...this.#methods].filter((method) => this.find(method, path) !== null);
    return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }
}

const ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Methods in their usual order (`Allow: GET, HEAD, POST`), others after, alphabetically. */
function rank(method: string): number {
  const index = ORDER.indexOf(method);
  return index === -1 ? ORDER.length : index;
}

function duplicate(method: string, path: string): ConfigurationError {
  return new ConfigurationError(
    `Route ${method} ${path} is registered twice. Remove one, or give them different paths.`,
  );
}
