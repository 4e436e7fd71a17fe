import { ConfigurationError } from "../errors.js";

/** A path template parsed once: `/files/{rest:path}` -> its parameters and the matcher's syntax. */
export interface PathTemplate {
  /** The template as written. */
  readonly path: string;
  /** Parameter names, in order. */
  readonly names: string[];
  /** Parameter name -> key in the matcher's result (`*` for the catch-all). */
  readonly keys: Map<string, string>;
  /** The path in find-my-way's syntax (`/users/:id`, `/files/*`). */
  readonly pattern: string;
}

const PARAM = /\{([^{}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses `/users/{id}` and `{name:path}` (a catch-all for the rest of the path, slashes
 * included, allowed only at the end) as FastAPI writes them.
 */
export function parsePath(path: string): PathTemplate {
  if (!path.startsWith("/")) {
    throw new ConfigurationError(`Route path '${path}' must start with '/'.`);
  }
  const names: string[] = [];
  const keys = new Map<string, string>();
  let pattern = "";
  let last = 0;
  for (const match of path.matchAll(PARAM)) {
    const [whole, inner] = match as unknown as [string, string];
    const [name, converter] = inner.split(":") as [string, string | undefined];
    if (!NAME.test(name)) {
      throw new ConfigurationError(
        `Route path '${path}': '{${inner}}' is not a valid parameter; use {name} or {name:path}.`,
      );
    }
    if (keys.has(name)) {
      throw new ConfigurationError(
        `Route path '${path}' declares {${name}} twice; parameter names must be unique.`,
      );
    }
    pattern += escapeLiteral(path.slice(last, match.index));
    last = match.index! + whole.length;
    if (converter === "path") {
      if (last !== path.length) {
        throw new ConfigurationError(
          `Route path '${path}': {${inner}} catches the rest of the path, so it must come last.`,
        );
      }
      pattern += "*";
      keys.set(name, "*");
    } else if (converter === undefined || converter === "str") {
      pattern += `:${name}`;
      keys.set(name, name);
    } else {
      throw new ConfigurationError(
        `Route path '${path}': unknown converter ':${converter}' in {${inner}}. Declare the type in \`params\` instead ({id} with params: { id: z.int() }).`,
      );
    }
    names.push(name);
  }
  pattern += escapeLiteral(path.slice(last));
  return { path, names, keys, pattern };
}

/** find-my-way reads `:` as a parameter and `*` as a wildcard; literal ones are escaped. */
function escapeLiteral(text: string): string {
  if (text.includes("*"))
    throw new ConfigurationError(
      `Route path segment '${text}': '*' is not allowed; use {name:path}.`,
    );
  return text.replaceAll(":", "::");
}

/** Joins prefixes and a path: `/api` + `/users/` -> `/api/users/`, `/api` + `/` -> `/api/`. */
export function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  const trimmed = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return trimmed + path;
}
