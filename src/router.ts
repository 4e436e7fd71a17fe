import { METHODS } from "node:http";
import type { App } from "./app.js";
import type { DepsSpec } from "./di/analyse.js";
import { checkDepsKeys } from "./di/dependency.js";
import { ConfigurationError } from "./errors.js";
import type {
  AnyRouteOptions,
  ResponseClass,
  ResponsesSpec,
  RouteRecord,
} from "./internal/record.js";
import type { Middleware } from "./middleware/compose.js";
import { compileInputs, INPUT_KEYS } from "./request/inputs.js";
import { joinPath, parsePath } from "./routing/path.js";
import type {
  AppState,
  BaseContext,
  CheckedDeps,
  DepValues,
  RouteMethod,
  RouteWithMethods,
} from "./types.js";
import { type WebSocketMethod, type WebSocketRecord, webSocketRecord } from "./websocket/route.js";

/** The lowercase route methods, generated from this list rather than written out one by one. */
export const ROUTE_METHODS = ["get", "post", "put", "patch", "delete", "head", "options"] as const;
const ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

const KNOWN_OPTIONS = new Set([
  ...INPUT_KEYS,
  "deps",
  "response",
  "status",
  "tags",
  "summary",
  "description",
  "operationId",
  "deprecated",
  "responses",
  "includeInSchema",
  "name",
  "bodyLimit",
  "middleware",
  "responseClass",
  "methods",
  "csrf",
]);

/** What a router adds to every route registered on it. */
export interface RouterOptions<D extends DepsSpec | undefined = undefined> {
  /** Path prefix: `/items` makes `get("/{id}")` answer `/items/{id}`. */
  prefix?: string;
  tags?: string[];
  /** Dependencies of every route here; a record gives the values to the handlers by key. */
  deps?: CheckedDeps<D>;
  /** Extra documented responses of every route here. */
  responses?: ResponsesSpec;
  /** The response class of every route here that does not name its own (`HTMLResponse`, ...). */
  responseClass?: ResponseClass;
  /**
   * Prefixes the names of the routes here, as a Flask blueprint does: in a router named `auth`,
   * the handler `login` is the route `auth.login` for `urlFor`.
   */
  name?: string;
}

/** What `include` adds to every route it brings in. */
export interface IncludeOptions {
  prefix?: string;
  tags?: string[];
  /** Dependencies run for their effect before every included route's own. */
  deps?: DepsSpec;
  responses?: ResponsesSpec;
}

interface Base {
  responseClass: ResponseClass | undefined;
  prefix: string;
  tags: readonly string[];
  deps: DepsSpec | undefined;
  responses: ResponsesSpec;
  name: string | undefined;
}

/**
 * Route registration shared by `App` and `Router`: the method functions, `route`, `use` and
 * `include`. Records are kept as registered; the App compiles them when it starts.
 */
export class RouteRegistry<A, RD> {
  /** Routes registered here or brought in by `include`, in order. */
  readonly records: RouteRecord[] = [];
  /** Middleware around every route here (`use`). */
  readonly middleware: Middleware<BaseContext<A>>[] = [];
  /** WebSocket routes registered here or brought in by `include`, in order. */
  readonly webSockets: WebSocketRecord[] = [];
  readonly #base: Base;

  declare readonly get: RouteMethod<this, A, RD>;
  declare readonly post: RouteMethod<this, A, RD>;
  declare readonly put: RouteMethod<this, A, RD>;
  declare readonly patch: RouteMethod<this, A, RD>;
  declare readonly delete: RouteMethod<this, A, RD>;
  declare readonly head: RouteMethod<this, A, RD>;
  declare readonly options: RouteMethod<this, A, RD>;
  /** A route answering every standard method. */
  declare readonly all: RouteMethod<this, A, RD>;
  /** A route answering the methods listed in `options.methods`. */
  declare readonly route: RouteWithMethods<this, A, RD>;
  /** A WebSocket route: `ws(path, [options,] (ws, ctx) => ...)`. */
  declare readonly ws: WebSocketMethod<this, A, RD>;

  constructor(base: Partial<Base> = {}) {
    this.#base = {
      prefix: base.prefix ?? "",
      tags: base.tags ?? [],
      deps: base.deps,
      responses: base.responses ?? {},
      name: base.name,
      responseClass: base.responseClass,
    };
    const self = this as unknown as Record<string, unknown>;
    for (const method of ROUTE_METHODS) {
      self[method] = (path: string, a: unknown, b?: unknown) =>
        this.add([method.toUpperCase()], path, a, b);
    }
    self.all = (path: string, a: unknown, b?: unknown) => this.add(ALL_METHODS, path, a, b);
    self.ws = (path: string, a: unknown, b?: unknown) => {
      const { prefix, deps, tags } = this.#base;
      this.webSockets.push(
        webSocketRecord(joinPath(prefix, path), a, b, { deps, tags }, checkOptions),
      );
      this.changed();
      return this;
    };
    self.route = (
      path: string,
      options: AnyRouteOptions & { methods?: readonly string[] },
      handler: unknown,
    ) => {
      const methods = (options?.methods ?? []).map((m) => m.toUpperCase());
      if (methods.length === 0) {
        throw new ConfigurationError(
          `Route ${path}: \`methods\` must list at least one method, e.g. { methods: ["GET", "POST"] }.`,
        );
      }
      return this.add(methods, path, options, handler);
    };
  }

  /**
   * Adds middleware around every route registered here (for an App: around every request,
   * unmatched ones included). The first added is the outermost.
   */
  use(middleware: Middleware<BaseContext<A>>): this {
    if (typeof middleware !== "function")
      throw new ConfigurationError("use() takes a middleware function (ctx, next) => response.");
    this.middleware.push(middleware);
    this.changed();
    return this;
  }

  /**
   * Brings in a router's routes, with this registry's prefix, tags and deps and those given here
   * added. Routes are copied: routes added to `router` afterwards are not brought in.
   *
   * @example
   * app.include(items);
   * app.include(items, { prefix: "/v2", tags: ["v2"], deps: [verifyKey] });
   */
  include(router: RouteRegistry<any, any>, options: IncludeOptions = {}): this {
    if (router === (this as unknown))
      throw new ConfigurationError("A router cannot include itself.");
    const base = this.#base;
    const prefix = joinPath(base.prefix, options.prefix ?? "");
    checkDepsKeys(options.deps, `include(${prefix || "/"})`);
    const deps = [base.deps, options.deps].filter((d): d is DepsSpec => d !== undefined);
    for (const record of router.records) {
      const path = joinPath(prefix, record.path);
      this.records.push({
        ...record,
        path,
        template: parsePath(path),
        tags: unique([...base.tags, ...(options.tags ?? []), ...record.tags]),
        deps: [...deps, ...record.deps],
        middleware: [...(router.middleware as Middleware[]), ...record.middleware],
        responses: { ...base.responses, ...options.responses, ...record.responses },
        name: qualify(base.name, record.name),
      });
    }
    for (const record of router.webSockets) {
      const path = joinPath(prefix, record.path);
      this.webSockets.push({
        ...record,
        path,
        template: parsePath(path),
        tags: unique([...base.tags, ...(options.tags ?? []), ...record.tags]),
        deps: [...deps, ...record.deps],
      });
    }
    this.changed();
    return this;
  }

  /** Called whenever routes or middleware change; the App recompiles on the next request. */
  protected changed(): void {}

  private add(methods: readonly string[], path: string, a: unknown, b: unknown): this {
    const [options, handler] = (typeof a === "function" ? [{}, a] : [a ?? {}, b]) as [
      AnyRouteOptions,
      RouteRecord["handler"],
    ];
    const base = this.#base;
    const fullPath = joinPath(base.prefix, path);
    const label = `${methods.join("|")} ${fullPath}`;
    if (typeof handler !== "function")
      throw new ConfigurationError(`Route ${label}: the handler must be a function.`);
    for (const method of methods) {
      if (!METHODS.includes(method))
        throw new ConfigurationError(`Route ${label}: '${method}' is not an HTTP method.`);
    }
    checkOptions(options, label);
    const template = parsePath(fullPath);
    const groups = compileInputs(options, `Route ${label}`, template.keys);
    this.records.push({
      methods,
      path: fullPath,
      template,
      options:
        base.responseClass && !options.responseClass
          ? { ...options, responseClass: base.responseClass }
          : options,
      handler,
      groups,
      tags: unique([...base.tags, ...(options.tags ?? [])]),
      deps: [base.deps, options.deps].filter((d): d is DepsSpec => d !== undefined),
      middleware: options.middleware ?? [],
      responses: { ...base.responses, ...options.responses },
      name: qualify(base.name, options.name ?? (handler.name || undefined)),
    });
    this.changed();
    return this;
  }
}

/** Checks a route's options at registration; `known` lists the option names it takes. */
export function checkOptions(
  options: AnyRouteOptions,
  label: string,
  known: ReadonlySet<string> = KNOWN_OPTIONS,
): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      const close = [...known].find((k) => k.slice(0, 3) === key.slice(0, 3));
      throw new ConfigurationError(
        `Route ${label}: unknown option '${key}'.${close ? ` Did you mean '${close}'?` : ""}`,
      );
    }
  }
  if (options.body !== undefined && options.form !== undefined) {
    throw new ConfigurationError(
      `Route ${label} declares both \`body\` (JSON) and \`form\`; a request has one body. Keep one.`,
    );
  }
  checkDepsKeys(options.deps, `Route ${label}`);
  const query = options.query as Record<string, unknown> | undefined;
  const params = options.params as Record<string, unknown> | undefined;
  if (query && params && !("~standard" in query) && !("~standard" in params)) {
    for (const name of Object.keys(query)) {
      if (name in params) {
        throw new ConfigurationError(
          `Route ${label} declares '${name}' twice: in \`params\` and in \`query\`. Remove one.`,
        );
      }
    }
  }
}

/** `auth` + `login` -> `auth.login`: a named router prefixes its routes' names. */
function qualify(prefix: string | undefined, name: string | undefined): string | undefined {
  return prefix && name ? `${prefix}.${name}` : name;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * A group of routes with a common prefix, tags and dependencies, included into an App (or
 * another Router) later: Flask's blueprints, FastAPI's `APIRouter`.
 *
 * @example
 * const items = new Router({ prefix: "/items", tags: ["items"], deps: { token: verifyToken } });
 * items.get("/{id}", { params: { id: z.int() } }, ({ params, token }) => ({ id: params.id }));
 * app.include(items);
 */
export class Router<D extends DepsSpec | undefined = undefined> extends RouteRegistry<
  App<AppState>,
  DepValues<D>
> {
  constructor(options: RouterOptions<D> = {}) {
    checkDepsKeys(options.deps, `Router ${options.prefix ?? ""}`.trim());
    super({
      prefix: options.prefix,
      tags: options.tags,
      deps: options.deps,
      responses: options.responses,
      name: options.name,
      responseClass: options.responseClass,
    });
  }
}
