import type { RequestListener, Server } from "node:http";
import type { MountTarget } from "./compile.js";
import type { DepsSpec, Override } from "./di/analyse.js";
import type { Dependency } from "./di/dependency.js";
import { dispatch, dispatchPath } from "./dispatch.js";
import { ConfigurationError } from "./errors.js";
import type { ExceptionHandler } from "./exception-handlers.js";
import { type Lifespan, LifespanRunner } from "./lifespan.js";
import { defaultLogger, type Logger } from "./logger.js";
import { RouteRegistry } from "./router.js";
import { Runtime } from "./runtime.js";
import { type ServerOptions, serverUrl, startServer, stopServer } from "./server.js";
import type { AppState } from "./types.js";

export interface AppOptions<S extends object> {
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
  /**
   * Development mode: response schemas are checked (a mismatch is a 500 with a clear log line).
   * Default: `NODE_ENV !== "production"`.
   */
  debug?: boolean;
  /** A pino logger, or `false` for none. Default: pino at `VIAL_LOG_LEVEL` (silent under tests). */
  logger?: Logger | false;
  /** Node HTTP server settings for `listen` (timeouts, header size). */
  server?: ServerOptions;
  /** How long `close()` waits for in-flight requests and background work, in ms (default 10 s). */
  shutdownTimeout?: number;
}

export interface ListenOptions {
  port?: number;
  /** Default `127.0.0.1`; use `0.0.0.0` to accept connections from other machines. */
  host?: string;
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
export class App<S extends object = AppState> extends RouteRegistry<App<S>, {}> {
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
  readonly #options: AppOptions<S>;
  readonly #runtime: Runtime;
  readonly #lifespan: LifespanRunner<S>;
  #started: Promise<void> | undefined;
  #server: Server | undefined;

  constructor(options: AppOptions<S> = {}) {
    super();
    this.#options = options;
    this.title = options.title ?? "Vial";
    this.version = options.version ?? "0.1.0";
    this.description = options.description;
    this.debug = options.debug ?? process.env.NODE_ENV !== "production";
    this.logger =
      options.logger === false ? defaultLoggerSilent() : (options.logger ?? defaultLogger());
    this.bodyLimit = options.bodyLimit ?? 1024 * 1024;
    this.#lifespan = new LifespanRunner(options.lifespan);
    this.#runtime = new Runtime(this, this.logger, this.debug, this.bodyLimit, () => ({
      records: this.records,
      middleware: this.middleware,
      deps: options.deps,
      overrides: this.dependencyOverrides,
    }));
    this.dependencyOverrides = new DependencyOverrides(() => this.#runtime?.invalidate());
    this.handler = (req, res) => dispatch(this.#runtime, req, res);
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
  mount(prefix: string, target: App<any> | RequestListener): this {
    if (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.includes("{")) {
      throw new ConfigurationError(
        `mount('${prefix}'): the prefix must start with '/', not end with one, and have no parameters.`,
      );
    }
    const mounted: MountTarget =
      target instanceof App
        ? {
            dispatch: (req, res, path, search) =>
              dispatchPath(target.#runtime, req, res, path, search),
            startup: () => target.startup(),
            shutdown: () => target.shutdown(),
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
      for (const { target } of this.#runtime.mounts) await target.startup?.();
      this.state = (await this.#lifespan.start(this)) as S;
      this.#runtime.table();
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
    const url = serverUrl(server);
    this.logger.info(
      { url, routes: this.#runtime.table().routes.length },
      `Vial running on ${url}`,
    );
    return server;
  }

  /**
   * Stops accepting connections, lets in-flight requests and after-response work finish
   * (up to `shutdownTimeout`), then runs the lifespan's tear-down.
   */
  async close(): Promise<void> {
    const timeout = this.#options.shutdownTimeout ?? 10_000;
    const server = this.#server;
    this.#server = undefined;
    if (server) await stopServer(server, timeout);
    await this.#runtime.drain(timeout);
    await this.shutdown();
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

  /** Waits for background tasks and tear-downs still running after their responses. */
  idle(timeoutMs = 10_000): Promise<void> {
    return this.#runtime.drain(timeoutMs);
  }

  /** The compiled routes, in registration order. */
  get routes(): readonly { methods: readonly string[]; path: string; name: string | undefined }[] {
    return this.#runtime
      .table()
      .routes.map((r) => ({ methods: r.record.methods, path: r.record.path, name: r.record.name }));
  }
}

function defaultLoggerSilent(): Logger {
  const logger = defaultLogger();
  logger.level = "silent";
  return logger;
}
