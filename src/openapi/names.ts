// How operations are named when the route does not say: FastAPI's rules, for handlers in JS.

const NON_WORD = /\W/g;

/**
 * `create_user`, `createUser` and `CreateUser` -> "Create User"; acronyms stay as written
 * (`getHTTPStatus` -> "Get HTTP Status").
 */
export function titleOf(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(" ");
}

/** The path as OpenAPI writes it: `{rest:path}` -> `{rest}`. */
export function openapiPath(path: string): string {
  return path.replace(/\{([^{}:]+):[^{}]*\}/g, "{$1}");
}

/**
 * FastAPI's derived operationId, `{name}{path}_{method}` with every non-word character as `_`:
 * `create_user` on `POST /users/` -> `create_user_users__post`. A handler without a name gives
 * `users__post`.
 */
export function derivedOperationId(name: string | undefined, path: string, method: string): string {
  const base = `${name ?? ""}${openapiPath(path)}`.replace(NON_WORD, "_");
  const id = `${base}_${method.toLowerCase()}`;
  return name ? id : id.replace(/^_+/, "");
}

/** The summary of a route without one: its handler's name, or its method and path. */
export function derivedSummary(name: string | undefined, path: string, method: string): string {
  if (name) return titleOf(name);
  const words = titleOf(openapiPath(path));
  return `${titleOf(method.toLowerCase())} ${words || "Root"}`;
}
