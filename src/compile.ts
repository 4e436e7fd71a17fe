import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { analyse, type DepsSpec, type Override } from "./di/analyse.js";
import type { Dependency } from "./di/dependency.js";
import { ConfigurationError } from "./errors.js";
import type { Exchange } from "./exchange.js";
import type { RouteRecord } from "./internal/record.js";
import type { CompiledRoute } from "./internal/runtime.js";
import { compose, type Middleware } from "./middleware/compose.js";
import { routeTerminal } from "./pipeline.js";
import { toResponse } from "./response/send.js";
import { compileSerializer } from "./response/serializer.js";
import { type Matcher, RadixMatcher } from "./routing/matcher.js";
import { parsePath } from "./routing/path.js";
import { UNSAFE_METHODS } from "./sessions/csrf.js";
import { RouteNames } from "./templates/url-for.js";
import type { WebFeatures } from "./templates/web.js";
import { compileWebSockets, type SocketEntry } from "./websocket/compile.js";
import type { WebSocketRecord, WebSocketSettings } from "./websocket/route.js";

/** Something mounted under a prefix: another App, or a plain node request listener. */
export interface MountEntry {
  readonly mount: string;
  readonly target: MountTarget;
}

export interface MountTarget {
  /** Handles a request whose path, below the mount prefix, is `path`. */
  dispatch(req: IncomingMessage, res: ServerResponse, path: string, search: string): void;
  /** Lifespan of a mounted App, run with the parent's. */
  startup?(): Promise<void>;
  shutdown?(): Promise<void>;
  /** Handles a WebSocket upgrade whose path, below the mount prefix, is `path`. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, path: string, search: string): void;
}

export type Entry = CompiledRoute | MountEntry;

/** The app's routes compiled and in a matcher; rebuilt whenever routes change. */
export interface RouteTable {
  readonly matcher: Matcher<Entry>;
  readonly routes: readonly CompiledRoute[];
  /** Route names for `urlFor`; two handlers with one name fail here. */
  readonly names: RouteNames;
  /** WebSocket routes (and mounts taking upgrades), matched apart from HTTP routes. */
  readonly sockets: Matcher<SocketEntry>;
}

/** What compiling a route needs from its app. */
export interface CompileEnv {
  readonly deps: DepsSpec | undefined;
  readonly middleware: readonly Middleware<any>[];
  readonly overrides: ReadonlyMap<Dependency, Override>;
  readonly debug: boolean;
  readonly mounts: readonly MountEntry[];
  readonly web: WebFeatures;
  /** The app's WebSocket settings, which routes may override. */
  readonly webSocket?: WebSocketSettings;
}

const ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/**
 * Compiles every route (dependency plan, serializer, middleware chain) and fills the matcher.
 * GET routes also answer HEAD, unless the path has its own HEAD route.
 */
export function compileTable(
  records: readonly RouteRecord[],
  env: CompileEnv,
  webSockets: readonly WebSocketRecord[] = [],
): RouteTable {
  const matcher = new RadixMatcher<Entry>();
  const routes: CompiledRoute[] = [];
  const names = new RouteNames(records);
  const explicitHead = new Set(
    records.filter((r) => r.methods.includes("HEAD")).map((r) => r.path),
  );
  for (const record of records) {
    const route = compileRoute(record, env);
    routes.push(route);
    for (const method of record.methods) matcher.add(method, record.template, route);
    if (
      record.methods.includes("GET") &&
      !record.methods.includes("HEAD") &&
      !explicitHead.has(record.path)
    ) {
      matcher.add("HEAD", record.template, route);
    }
  }
  for (const mount of env.mounts) {
    for (const path of [mount.mount, `${mount.mount}/{path:path}`]) {
      const template = parsePath(path);
      for (const method of ALL_METHODS) matcher.add(method, template, mount);
    }
  }
  const sockets = compileWebSockets(webSockets, env.mounts, env.webSocket, (record) =>
    compileRoute(record, { ...env, middleware: [] }),
  );
  return { matcher, routes, names, sockets };
}

/** Compiles one route for the app's current deps, middleware, overrides and mode. */
export function compileRoute(record: RouteRecord, env: CompileEnv): CompiledRoute {
  const label = `${record.methods.join("|")} ${record.path}`;
  const options = record.options;
  const plan = analyse(
    [...(env.deps && !record.framework ? [env.deps] : []), ...record.deps],
    env.overrides,
    `Route ${label}`,
  );
  for (const step of plan.steps) {
    for (const field of step.groups.find((g) => g.key === "params")?.fields ?? []) {
      const key = record.template.keys.get(field.name);
      if (key === undefined) {
        throw new ConfigurationError(
          `Route ${label}: dependency ${step.dep.name} reads path parameter '${field.name}', but the path has no {${field.name}}. ` +
            `Add it to the path or use the dependency on routes that have it.`,
        );
      }
      if (key !== field.name) {
        throw new ConfigurationError(
          `Route ${label}: dependency ${step.dep.name} reads the catch-all {${field.name}:path}, which only the route's own \`params\` can declare. Declare it there.`,
        );
      }
    }
  }
  const groups = [...record.groups, ...plan.steps.flatMap((s) => s.groups)];
  const bodyKinds = new Set(
    groups.filter((g) => g.source === "body").map((g) => (g.key === "body" ? "json" : "form")),
  );
  if (bodyKinds.size > 1) {
    throw new ConfigurationError(
      `Route ${label}: its dependencies read both a JSON \`body\` and a \`form\`; a request has one body.`,
    );
  }
  const declared = new Set(
    record.groups.find((g) => g.key === "params")?.fields?.map((f) => f.name) ?? [],
  );
  const keys = [...record.template.keys];
  const csrf =
    env.web.csrf !== undefined &&
    options.csrf !== false &&
    record.methods.some((m) => UNSAFE_METHODS.has(m)) &&
    // Routes authenticated by a token or an API key do not ride on the session cookie.
    !plan.steps.some((step) => step.dep.security !== undefined);
  const middleware = [...env.middleware, ...record.middleware];
  return {
    record,
    label,
    status: options.status ?? 200,
    emptyStatus: options.status ?? 204,
    bodyLimit: options.bodyLimit,
    bodyKind: [...bodyKinds][0] as "json" | "form" | undefined,
    uploads: groups.some((g) => g.key === "files") ? env.web.uploads : undefined,
    csrf,
    groups: record.groups,
    plan,
    extraParams: declared.size > 0 ? keys.filter(([name]) => !declared.has(name)) : [],
    renamedParams: keys.filter(([name, key]) => name !== key),
    handler: record.handler,
    responseClass: options.responseClass,
    serialize: compileSerializer(options.response, label, env.debug),
    chain:
      middleware.length > 0
        ? compose<Exchange>(middleware, (x) => x.ctx, toResponse, routeTerminal)
        : undefined,
  };
}
