import { ConfigurationError } from "../errors.js";
import type { RouteRecord } from "../internal/record.js";

type Scalar = string | number | boolean | bigint;

/** Values for a route's path parameters; names the path does not use go to the query string. */
export type UrlParams = Readonly<Record<string, Scalar | null | undefined>>;

/** Query string values; arrays repeat the key, `null` and `undefined` are left out. */
export type UrlQuery = Readonly<Record<string, Scalar | readonly Scalar[] | null | undefined>>;

/** Builds a URL from a route name, as `app.urlFor` and `urlFor` in templates do. */
export type UrlFor = (name: string, params?: UrlParams, query?: UrlQuery) => string;

interface Named {
  readonly record: RouteRecord;
  /** Literal text and parameters of the path, in order. */
  readonly parts: readonly (string | { name: string; catchAll: boolean })[];
  readonly names: readonly string[];
}

const PARAM = /\{([^{}:]+)(?::([a-z]+))?\}/g;

/**
 * The app's route names, indexed once when the routes are compiled. A name belongs to one
 * handler: two different handlers with the same name is a startup error naming both routes. The
 * same handler registered on several paths is one name with several URLs, as in Flask: `build`
 * picks the first whose path parameters are all given.
 */
export class RouteNames {
  readonly #byName = new Map<string, Named[]>();

  constructor(records: readonly RouteRecord[]) {
    for (const record of records) {
      if (record.name === undefined) continue;
      const existing = this.#byName.get(record.name);
      const first = existing?.[0]?.record;
      if (first && first.handler !== record.handler) {
        throw new ConfigurationError(
          `Routes ${label(first)} and ${label(record)} are both named '${record.name}'. ` +
            "Route names must be unique for urlFor: give one of them another `name` option.",
        );
      }
      const named = compileNamed(record);
      if (existing) existing.push(named);
      else this.#byName.set(record.name, [named]);
    }
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** The URL path of the route `name`; unused params and `query` form the query string. */
  build(name: string, params: UrlParams = {}, query?: UrlQuery): string {
    const candidates = this.#byName.get(name);
    if (!candidates) {
      const known = [...this.#byName.keys()].sort().join(", ") || "none";
      throw new Error(
        `urlFor('${name}'): no route has this name. Known names: ${known}. ` +
          "A route's name is its `name` option, or its handler function's name.",
      );
    }
    const given = (key: string) => params[key] !== undefined && params[key] !== null;
    const route = candidates.find((c) => c.names.every(given));
    if (!route) {
      const missing = candidates[0]!.names.filter((n) => !given(n));
      throw new Error(
        `urlFor('${name}'): missing path parameter${missing.length > 1 ? "s" : ""} ` +
          `${missing.map((m) => `'${m}'`).join(", ")} for ${candidates[0]!.record.path}.`,
      );
    }
    let path = "";
    for (const part of route.parts) {
      if (typeof part === "string") path += part;
      else path += encodeParam(String(params[part.name]), part.catchAll);
    }
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (!route.names.includes(key)) appendQuery(search, key, value);
    }
    for (const [key, value] of Object.entries(query ?? {})) appendQuery(search, key, value);
    const text = search.toString();
    return text ? `${path}?${text}` : path;
  }
}

function compileNamed(record: RouteRecord): Named {
  const parts: Named["parts"][number][] = [];
  const names: string[] = [];
  let last = 0;
  for (const match of record.path.matchAll(PARAM)) {
    parts.push(record.path.slice(last, match.index));
    parts.push({ name: match[1]!, catchAll: match[2] === "path" });
    names.push(match[1]!);
    last = match.index! + match[0].length;
  }
  parts.push(record.path.slice(last));
  return { record, parts, names };
}

/** A catch-all keeps its slashes; every other character that is not URL-safe is encoded. */
function encodeParam(value: string, catchAll: boolean): string {
  if (!catchAll) return encodeURIComponent(value);
  return value.split("/").map(encodeURIComponent).join("/");
}

function appendQuery(search: URLSearchParams, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) for (const v of value) search.append(key, String(v));
  else search.append(key, String(value));
}

function label(record: RouteRecord): string {
  return `${record.methods.join("|")} ${record.path}`;
}
