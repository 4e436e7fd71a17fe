import { type CompileEnv, compileTable, type MountEntry, type RouteTable } from "./compile.js";
import { effective, type Override, unscoped } from "./di/analyse.js";
import type { Dependency } from "./di/dependency.js";
import { SecurityScopes, scopesValue } from "./di/scopes.js";
import { closeGenerators, enter } from "./di/solve.js";
import { type DispatchTarget, missResponse } from "./dispatch.js";
import { ConfigurationError } from "./errors.js";
import { ExceptionHandlers } from "./exception-handlers.js";
import type { Exchange, OpenGenerator } from "./exchange.js";
import type { RouteRecord } from "./internal/record.js";
import type { Logger } from "./logger.js";
import { compose } from "./middleware/compose.js";
import { DEFAULT_BODY_TIMEOUT } from "./request/body.js";
import type { Trust } from "./request/proxy.js";
import type { VialResponse } from "./response/responses.js";
import { toResponse } from "./response/send.js";
import type { UrlParams, UrlQuery } from "./templates/url-for.js";
import type { WebFeatures } from "./templates/web.js";
import type { WebSocketRecord } from "./websocket/route.js";

/** What the runtime reads from its App each time it compiles. */
export interface RuntimeSource extends Omit<CompileEnv, "debug" | "mounts" | "web"> {
  readonly records: readonly RouteRecord[];
  readonly webSockets?: readonly WebSocketRecord[];
}

/**
 * The App's working parts, kept off its public surface: the compiled route table (rebuilt after
 * any change), exception handlers, app-scoped dependency values, and the after-response work in
 * flight (which shutdown waits for).
 */
export class Runtime implements DispatchTarget {
  readonly exceptionHandlers = new ExceptionHandlers();
  /** Which proxies may speak for the client (the app's compiled `trustProxy`). */
  trust: Trust | undefined = undefined;
  /** How long a request body may stall before 408, in ms (the app's `bodyTimeout`). */
  bodyTimeout = DEFAULT_BODY_TIMEOUT;
  /** The app's `rootPath`: the prefix a proxy strips, put back in front of generated URLs. */
  rootPath: string | undefined = undefined;
  readonly mounts: MountEntry[] = [];
  /** Set by the App from `AppOptions.accessLog`; read once per request. */
  accessLog = false;
  #table: RouteTable | undefined = undefined;
  #missChain: ((x: Exchange) => Promise<VialResponse>) | null | undefined = undefined;
  readonly #pending = new Set<Promise<void>>();
  readonly #appValues = new Map<Dependency, Promise<unknown>>();
  readonly #appStack: { exitStack: OpenGenerator[] | undefined } = { exitStack: undefined };
  #closing = new AbortController();

  constructor(
    readonly app: unknown,
    readonly logger: Logger,
    readonly debug: boolean,
    readonly bodyLimit: number,
    readonly web: WebFeatures,
    private readonly source: () => RuntimeSource,
  ) {
    const sessions = web.sessions;
    this.preload = sessions?.store ? (x) => sessions.preload(x) : undefined;
  }

  readonly preload: ((x: Exchange) => Promise<void>) | undefined;

  readonly urlFor = (name: string, params?: UrlParams, query?: UrlQuery): string =>
    this.table().names.build(name, params, query);

  /** Forgets the compiled table; the next request compiles it again. */
  invalidate(): void {
    this.#table = undefined;
    this.#missChain = undefined;
  }

  table(): RouteTable {
    if (this.#table === undefined) {
      const source = this.source();
      this.#table = compileTable(
        source.records,
        { ...source, debug: this.debug, mounts: this.mounts, web: this.web },
        source.webSockets,
      );
    }
    return this.#table;
  }

  missChain(): ((x: Exchange) => Promise<VialResponse>) | undefined {
    if (this.#missChain === undefined) {
      const middleware = this.source().middleware;
      this.#missChain =
        middleware.length > 0
          ? compose<Exchange>(
              middleware,
              (x) => x.ctx,
              toResponse,
              (x) => missResponse(this, x),
            )
          : null;
    }
    return this.#missChain ?? undefined;
  }

  handleError(x: Exchange, error: unknown): Promise<VialResponse> {
    return this.exceptionHandlers.respond(x, error);
  }

  answersValidationByDefault(x: Exchange): boolean {
    return !this.exceptionHandlers.handlesValidation() && !this.web.errorPages?.wants(x);
  }

  answerByDefault(x: Exchange, error: unknown): VialResponse | undefined {
    return this.exceptionHandlers.answerByDefault(x, error);
  }

  handleUnhandled(x: Exchange, error: unknown): Promise<VialResponse> {
    return this.exceptionHandlers.respondToServerError(x, error);
  }

  /** Aborted when shutdown begins: long-lived responses (event streams) end then. */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /** Shutdown begins: ends event streams. `reopen()` arms a new signal for a restart. */
  beginShutdown(): void {
    this.#closing.abort();
  }

  reopen(): void {
    if (this.#closing.signal.aborted) this.#closing = new AbortController();
  }

  track(work: Promise<void>): void {
    this.#pending.add(work);
    work.finally(() => this.#pending.delete(work));
  }

  /** Waits for after-response work in flight, at most `timeoutMs`; logs what was cut short. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.#pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const outcome = await Promise.race([
      Promise.allSettled([...this.#pending]).then(() => "done" as const),
      timedOut,
    ]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      this.logger.warn(
        { pending: this.#pending.size },
        `Shutdown: after-response work still running after ${timeoutMs} ms was cut short`,
      );
    }
  }

  appValue(dep: Dependency): Promise<unknown> {
    let value = this.#appValues.get(dep);
    if (value === undefined) {
      value = this.#makeAppValue(dep);
      this.#appValues.set(dep, value);
      value.catch(() => this.#appValues.delete(dep));
    }
    return value;
  }

  async #makeAppValue(dep: Dependency): Promise<unknown> {
    const overrides = this.source().overrides;
    const args: Record<string, unknown> = { app: this.app, state: {} };
    for (const [key, sub] of Object.entries(dep.subs)) {
      const target = effective(unscoped(sub), overrides);
      if (target.scope !== "app") {
        throw new ConfigurationError(
          `App-scoped dependency ${dep.name} uses request-scoped ${target.name}. Make ${target.name} app-scoped too, or ${dep.name} request-scoped.`,
        );
      }
      args[key] = await this.appValue(target);
    }
    return enter(this.#appStack, dep.fn(args), dep);
  }

  /**
   * A dependency's value outside any request (`app.resolve`): app-scoped ones are the shared
   * singletons; request-scoped ones are evaluated now, and their tear-downs run at shutdown.
   */
  async resolve(dep: Dependency, overrides: ReadonlyMap<Dependency, Override>): Promise<unknown> {
    const declared = unscoped(dep);
    if (declared === SecurityScopes) return scopesValue([]);
    const target = effective(declared, overrides);
    if (target.scope === "app") return this.appValue(target);
    const inputs = [...Object.keys(target.inputs), ...(target.security ? ["credentials"] : [])];
    if (inputs.length > 0) {
      throw new ConfigurationError(
        `app.resolve(${target.name}): it reads request inputs (${inputs.join(", ")}), which only exist during a request. ` +
          `Resolve the dependencies it uses instead, or override it for the script.`,
      );
    }
    const args: Record<string, unknown> = { app: this.app, state: {} };
    for (const [key, sub] of Object.entries(target.subs))
      args[key] = await this.resolve(sub, overrides);
    return enter(this.#appStack, target.fn(args), target);
  }

  /** Tears down app-scoped and resolved generator dependencies, newest first. */
  async closeDependencies(): Promise<void> {
    const stack = this.#appStack.exitStack;
    this.#appStack.exitStack = undefined;
    this.#appValues.clear();
    if (stack) {
      await closeGenerators(stack, (error) =>
        this.logger.error({ err: error }, "An app-scoped dependency's tear-down failed"),
      );
    }
  }
}
