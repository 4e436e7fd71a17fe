import type { IncomingMessage, RequestListener, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { MountTarget } from "./compile.js";
import type { DepsSpec, Override } from "./di/analyse.js";
import type { Dependency } from "./di/dependency.js";
import { dispatch, dispatchPath } from "./dispatch.js";
import { ConfigurationError } from "./errors.js";
import type { ExceptionHandler } from "./exception-handlers.js";
import { type Lifespan, LifespanRunner } from "./lifespan.js";
import { createLogger, envFlag, type Logger, type LogLevel } from "./logger.js";
import { declaredPlan, OpenAPIDocs, type OpenAPIOptions } from "./openapi/docs.js";
import type { OpenAPIDocument } from "./openapi/types.js";
import { compileTrust, type TrustProxy } from "./request/proxy.js";
import { enterMount } from "./request/root-path.js";
import { RouteRegistry } from "./router.js";
import { Runtime } from "./runtime.js";
import { type ServerOptions, serverUrl, startServer, stopServer } from "./server.js";
import type { SessionData } from "./sessions/session.js";
import { closeOnSignals } from "./shutdown.js";
import { registerStatic } from "./static/static-files.js";
import type { ContextProcessor, TemplateFilter } from "./templates/environment.js";
import type { UrlParams, UrlQuery } from "./templates/url-for.js";
import { WebFeatures, type WebOptions } from "./templates/web.js";
import type { AppState } from "./types.js";
import { WebSocketHub } from "./websocket/hub.js";
import { checkSettings, resolveSettings, type WebSocketAppOptions } from "./websocket/route.js";
import { handleUpgrade, upgradePath } from "./websocket/upgrade.js";

export interface AppOptions<S extends object, D extends object = SessionData>
  extends WebOptions<D>,
    OpenAPIOptions {
  /** The API's title, shown in the docs. */
  title?: string;
  version?: string;
  description?: string;
  /** Set-up and tear-down around the app's life; what it yields becomes `app.state`. */
  lifespan?: Lifespan<S, App<S>>;
  /** Dependencies run for their effect before every route's own (FastAPI's `dependencies=`). */
  deps?: DepsSpec;
  /** Largest accepted request body in bytes (default 1 MiB); routes can set their own. */
  bodyLimit?: number;
  /** A request body that sends nothing for this long is cut off with 408, in ms (default 10 s). */
  bodyTimeout?: number;
  /**
   * Development mode: response schemas are checked (a mismatch is a 500 with a clear log line).
   * Default: `NODE_ENV !== "production"`.
   */
  debug?: boolean;
  /** A pino logger, or `false` for none. Default: pino at `VIAL_LOG_LEVEL` (silent under tests). */
  logger?: Logger | false;
  /**
   * The logger's level: `"fatal"`, `"error"`, `"warn"`, `"info"`, `"debug"`, `"trace"` or
   * `"silent"`. Default: `VIAL_LOG_LEVEL`, else `"info"` (`"silent"` under a test runner).
   */
  logLevel?: LogLevel;
  /**
   * One log line per request (method, path, status, duration, request id), and the request id
   * returned in `X-Request-ID`. Default: `VIAL_ACCESS_LOG` (`1` or `0`), else off; `vial dev`
   * and `vial run` turn it on. Off, it costs nothing per request.
   */
  accessLog?: boolean;
  /** Node HTTP server settings for `listen` (timeouts, header size). */
  server?: ServerOptions;
  /**
   * How long `close()` (and SIGTERM/SIGINT) waits in all for in-flight requests, WebSockets
   * and background work, in ms (default 10 s); what is still running then is cut and logged.
   */
  shutdownTimeout?: number;
  /**
   * Which proxies may speak for the client through `X-Forwarded-For/Proto/Host` (default: none).
   * `request.ip`, `request.protocol` and `request.host` follow it.
   */
  trustProxy?: TrustProxy;
  /** WebSocket limits, keep-alive, and the backplane that carries `broadcast` between processes. */
  websocket?: WebSocketAppOptions;
}

export interface ListenOptions {
  port?: number;
  /** Default `127.0.0.1`; use `0.0.0.0` to accept connections from other machines. */
  host?: string;
  /**
   * Close gracefully on SIGTERM and SIGINT, then let the signal end the process (default
   * `true`). `false` leaves signals to you: call `app.close()` yourself.
   */
  signals?: boolean;
}

/** `dependencyOverrides`: a Map whose changes make the app recompile its routes. */
class DependencyOverrides extends Map<Dependency<any>, Override> {
  constructor(private readonly onChange: () => void) {
    super();
  }
  override set(key: Dependency<any>, value: Override): this {
    super.set(key, value);
    this.onChange();
    return this;
  }
  override delete(key: Dependency<any>): boolean {
    const deleted = super.delete(key);
    this.onChange();
    return deleted;
  }
  override clear(): void {
    super.clear();
    this.onChange();
  }
}

/**
 * A Vial application: routes, middleware, exception handlers, lifespan, and the server.
 *
 * @example
 * const app = new App({ title: "Users API", version: "1.0.0" });
 * app.get("/", () => ({ message: "Hello, World!" }));
 * await app.listen(8000);
 */
export class App<S extends object = AppState, D extends object = SessionData> extends RouteRegistry<
  App<S, D>,
  {}
> {
  /** Phantom: the session data's type (`session: { schema }`), for `ctx.session`. */
  declare readonly "~session": D;
  readonly title: string;
  readonly version: string;
  readonly description: string | undefined;
  readonly debug: boolean;
  readonly logger: Logger;
  readonly bodyLimit: number;
  /** What the lifespan yielded; `{}` before startup. */
  state: S = {} as S;
  /**
   * Replacements for dependencies, for tests: `app.dependencyOverrides.set(getDb, fakeDb)`.
   * Takes effect on the next request.
   */
  readonly dependencyOverrides: Map<Dependency<any>, Override>;
  /** The node request listener, for `http.createServer(app.handler)` or a test harness. */
  readonly handler: RequestListener;
  /**
   * The node `upgrade` listener, which `listen` installs: WebSocket handshakes go to `ws`
   * routes. With your own server: `server.on("upgrade", app.upgrade)`.
   */
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  readonly #options: AppOptions<S, D>;
  readonly #web: WebFeatures;
  readonly #runtime: Runtime;
  readonly #hub: WebSocketHub;
  #releaseSignals: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  readonly #lifespan: LifespanRunner<S>;
  readonly #docs: OpenAPIDocs;
  #started: Promise<void> | undefined;
  #server: Server | undefined;

  constructor(options: AppOptions<S, D> = {}) {
    super();
    this.#options = options;
    this.title = options.title ?? "Vial";
    this.version = options.version ?? "0.1.0";
    this.description = options.description;
    this.debug = options.debug ?? process.env.NODE_ENV !== "production";
    this.logger =
      options.logger === false
        ? defaultLoggerSilent()
        : (options.logger ?? createLogger({ level: options.logLevel }));
    if (options.logger && options.logLevel) options.logger.level = options.logLevel;
    this.bodyLimit = options.bodyLimit ?? 1024 * 1024;
    this.#lifespan = new LifespanRunner(options.lifespan);
    this.#docs = new OpenAPIDocs(options, {
      logger: this.logger,
      routes: () => this.#runtime.table().routes,
      planFor: (route) => declaredPlan(route, options.deps, this.dependencyOverrides),
      openapi: () => this.openapi(),
    });
    this.#web = new WebFeatures(options, this.debug, this.logger);
    checkSettings(options.websocket ?? {}, "new App({ websocket })");
    const webSocket = resolveSettings(options.websocket);
    this.#runtime = new Runtime(this, this.logger, this.debug, this.bodyLimit, this.#web, () => ({
      records: this.#docs.withDocs(this.records),
      webSockets: this.webSockets,
      webSocket,
      middleware: this.middleware,
      deps: options.deps,
      overrides: this.dependencyOverrides,
    }));
    this.#runtime.trust = compileTrust(options.trustProxy);
    this.#runtime.rootPath = options.rootPath;
    if (options.bodyTimeout !== undefined) this.#runtime.bodyTimeout = options.bodyTimeout;
    this.#runtime.accessLog = options.accessLog ?? envFlag("VIAL_ACCESS_LOG") ?? false;
    this.dependencyOverrides = new DependencyOverrides(() => this.#runtime?.invalidate());
    this.handler = (req, res) => dispatch(this.#runtime, req, res);
    this.#hub = new WebSocketHub(this.logger, options.websocket);
    this.upgrade = (req, socket, head) =>
      handleUpgrade(this.#runtime, this.#hub, this.handler, req, socket, head);
    if (options.static) registerStatic(this, options.static);
  }

  /**
   * The URL path of a named route (its `name` option, or its handler's name; in a named
   * router, `router.name`); params the path does not use go to the query string.
   *
   * @example
   * app.get("/posts/{id}", { params: { id: z.int() } }, function post({ params }) { ... });
   * app.urlFor("post", { id: 3 }, { page: 2 });  // "/posts/3?page=2"
   */
  urlFor(name: string, params?: UrlParams, query?: UrlQuery): string {
    return this.#runtime.urlFor(name, params, query);
  }

  /**
   * Adds a template filter (Flask's `template_filter`).
   *
   * @example
   * app.templateFilter("shout", (text: string) => text.toUpperCase());  // {{ name | shout }}
   */
  templateFilter(name: string, filter: TemplateFilter): this {
    this.#templatesOrThrow("templateFilter").addFilter(name, filter);
    return this;
  }

  /**
   * Adds a value or function every template sees (Flask's `template_global`).
   *
   * @example
   * app.templateGlobal("siteName", "Flaskr");  // {{ siteName }}
   */
  templateGlobal(name: string, value: unknown): this {
    this.#templatesOrThrow("templateGlobal").addGlobal(name, value);
    return this;
  }

  /**
   * Adds variables to every template rendered for a request (Flask's `context_processor`).
   *
   * @example
   * app.contextProcessor(({ state }) => ({ user: state.user }));
   */
  contextProcessor(processor: ContextProcessor): this {
    this.#templatesOrThrow("contextProcessor").contextProcessors.push(processor);
    return this;
  }

  #templatesOrThrow(method: string) {
    const templates = this.#web.templates;
    if (!templates) {
      throw new ConfigurationError(
        `app.${method}(): this app has no templates. Pass the folder: new App({ templates: "templates" }).`,
      );
    }
    return templates;
  }

  protected override changed(): void {
    this.#runtime?.invalidate();
  }

  /**
   * Answers an error class (or an `HTTPException` status) with your own response. Lookup is by
   * status first, then by class from the error's own up to `Error`.
   *
   * @example
   * app.exceptionHandler(404, () => new JSONResponse({ detail: "Nothing here" }, { status: 404 }));
   * app.exceptionHandler(RequestValidationError, (error) => new JSONResponse({ errors: error.errors }, { status: 400 }));
   */
  exceptionHandler<E>(
    key: number | (abstract new (...args: any[]) => E),
    handler: ExceptionHandler<E>,
  ): this {
    this.#runtime.exceptionHandlers.add(key as never, handler);
    return this;
  }

  /**
   * Serves another App (or any node request listener) under a path prefix; it keeps its own
   * routes, middleware, exception handlers and docs.
   *
   * @example
   * app.mount("/v1", v1);
   */
  mount(prefix: string, target: App<any, any> | RequestListener): this {
    if (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.includes("{")) {
      throw new ConfigurationError(
        `mount('${prefix}'): the prefix must start with '/', not end with one, and have no parameters.`,
      );
    }
    const mounted: MountTarget =
      target instanceof App
        ? {
            dispatch: (req, res, path, search) => {
              enterMount(req, this.#options.rootPath, prefix);
              dispatchPath(target.#runtime, req, res, path, search);
            },
            startup: () => target.startup(),
            shutdown: () => target.shutdown(),
            upgrade: (req, socket, head, path, search) =>
              upgradePath(
                { app: target.#runtime, hub: target.#hub, req, socket, head },
                path,
                search,
              ),
          }
        : {
            dispatch: (req, res, path, search) => {
              req.url = search ? `${path}?${search}` : path;
              target(req, res);
            },
          };
    this.#runtime.mounts.push({ mount: prefix, target: mounted });
    this.#runtime.invalidate();
    return this;
  }

  /** Runs the lifespan's set-up (and mounted apps'); `listen` and the test client call it. */
  startup(): Promise<void> {
    this.#started ??= (async () => {
      this.#runtime.reopen();
      for (const { target } of this.#runtime.mounts) await target.startup?.();
      this.state = (await this.#lifespan.start(this)) as S;
      this.#runtime.table();
      // Generated now so its mistakes and warnings show at startup, not on the first visit.
      if (this.#docs.openapiUrl) this.#docs.document();
    })();
    return this.#started;
  }

  /** Runs the lifespan's tear-down and closes app-scoped dependencies. */
  async shutdown(): Promise<void> {
    // Values from `app.resolve` in a script exist without a startup; they are closed all the same.
    await this.#runtime.closeDependencies();
    if (!this.#started) return;
    this.#started = undefined;
    await this.#lifespan.stop();
    for (const { target } of this.#runtime.mounts) await target.shutdown?.();
  }

  /**
   * Starts the app and listens; resolves to the node server once it accepts connections.
   * Port 0 picks a free port (read it from `server.address()`).
   *
   * @example
   * const server = await app.listen(8000);
   */
  async listen(port?: number | ListenOptions, host?: string): Promise<Server> {
    const options = typeof port === "object" ? port : { port, host };
    await this.startup();
    const server = await startServer(
      this.handler,
      options.port ?? 8000,
      options.host ?? "127.0.0.1",
      this.#options.server ?? {},
    );
    this.#server = server;
    server.on("upgrade", this.upgrade);
    if (options.signals !== false) {
      this.#releaseSignals = closeOnSignals((signal) => {
        this.logger.info({ signal }, `${signal} received: shutting down gracefully`);
        return this.close();
      });
    }
    const url = serverUrl(server);
    this.logger.info(
      { url, routes: this.#runtime.table().routes.length },
      `Vial running on ${url}`,
    );
    const docs = [this.#docs.docsUrl, this.#docs.redocUrl].filter((u) => u !== null);
    if (docs.length > 0) this.logger.info(`API docs: ${docs.map((u) => url + u).join(" and ")}`);
    return server;
  }

  /**
   * Shuts down gracefully: stops accepting connections, ends event streams, closes WebSockets
   * with 1001 (Going Away), lets in-flight requests and after-response work (background tasks,
   * tear-downs) finish, all within `shutdownTimeout`, then runs the lifespan's tear-down. Work
   * still running at the deadline is cut short and logged. A second call while closing waits
   * for the same shutdown.
   *
   * @example
   * await app.close();
   */
  close(): Promise<void> {
    this.#closing ??= this.#close().finally(() => {
      this.#closing = undefined;
    });
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#releaseSignals?.();
    this.#releaseSignals = undefined;
    const timeout = this.#options.shutdownTimeout ?? 10_000;
    const deadline = Date.now() + timeout;
    const server = this.#server;
    this.#server = undefined;
    this.#runtime.beginShutdown();
    await Promise.all([server && stopServer(server, timeout), this.#hub.close(timeout)]);
    await this.#runtime.drain(Math.max(0, deadline - Date.now()));
    await this.shutdown();
  }

  /**
   * Sends `data` to every WebSocket in `room` (see `ws.join`): a string as text, bytes as
   * binary, anything else as JSON. Through the app's backplane, so with a shared one it
   * reaches members connected to other processes too. Never rejects; failures are logged.
   *
   * @example
   * app.post("/announce", { body: { text: z.string() } }, async ({ body }) => {
   *   await app.broadcast("lobby", { type: "announcement", text: body.text });
   * });
   */
  broadcast(room: string, data: unknown): Promise<void> {
    return this.#hub.broadcast(room, data);
  }

  /**
   * A dependency's value outside a request: in the lifespan, scripts, tasks. App-scoped
   * dependencies give their shared value; others are evaluated now and torn down at shutdown.
   *
   * @example
   * const db = await app.resolve(getDb);
   */
  resolve<T>(dep: Dependency<T>): Promise<T> {
    return this.#runtime.resolve(dep, this.dependencyOverrides) as Promise<T>;
  }

  /**
   * The OpenAPI 3.1 document of the app's routes, as `/openapi.json` serves it. Generated once
   * and cached until routes change. Replace the method to customise the document; the served
   * JSON follows.
   *
   * @example
   * const document = app.openapi();
   * document.paths["/users/"]?.post?.operationId; // "create_user_users__post"
   */
  openapi(): OpenAPIDocument {
    return this.#docs.document();
  }

  /**
   * Waits for background tasks and tear-downs still running after their responses, and for the
   * handlers of WebSocket connections that have closed to return.
   */
  async idle(timeoutMs = 10_000): Promise<void> {
    await this.#hub.idle(timeoutMs);
    await this.#runtime.drain(timeoutMs);
  }

  /** The compiled routes, in registration order (the docs pages' own routes are not listed). */
  get routes(): readonly { methods: readonly string[]; path: string; name: string | undefined }[] {
    return this.#runtime
      .table()
      .routes.filter((r) => !r.record.framework)
      .map((r) => ({ methods: r.record.methods, path: r.record.path, name: r.record.name }));
  }
}

function defaultLoggerSilent(): Logger {
  return createLogger({ level: "silent", format: "json" });
}
