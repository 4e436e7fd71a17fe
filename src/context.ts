import type { BackgroundTasks } from "./background.js";
import type { Exchange } from "./exchange.js";
import type { VialRequest } from "./request/request.js";
import { urlForOf } from "./request/root-path.js";
import type { ResponseState } from "./response/state.js";
import type { Session } from "./sessions/session.js";
import { type Render, renderOf, sessionOf } from "./templates/render.js";
import type { UrlFor } from "./templates/url-for.js";

const NOTHING: Readonly<Record<string, never>> = Object.freeze(Object.create(null));

/**
 * What every context offers, over the request's exchange: the request, the response state,
 * background tasks, the app, per-request state and the web helpers. Handlers get it as
 * {@link Context}, dependency functions as `DependencyArgs`.
 */
export class ExchangeView {
  readonly #x: Exchange;

  constructor(x: Exchange) {
    this.#x = x;
  }

  /** The request: method, url, path, raw headers, query and cookies, the node request. */
  get request(): VialRequest {
    return this.#x.request;
  }

  /** Status, headers and cookies applied to whatever the handler returns. */
  get response(): ResponseState {
    return this.#x.response;
  }

  /** Tasks to run after the response is sent. */
  get background(): BackgroundTasks {
    return this.#x.background;
  }

  get app(): unknown {
    return this.#x.app.app;
  }

  /** Per-request scratch space, shared by middleware, dependencies and the handler. */
  get state(): Record<string, unknown> {
    return this.#x.state;
  }

  /** `X-Request-ID` when the client sent one, else a generated id; used in logs. */
  get requestId(): string {
    return this.#x.requestId;
  }

  /** The session (apps with a `secretKey`): data by key, `flash()`, `clear()`. */
  get session(): Session<Record<string, unknown>> {
    return sessionOf(this.#x) as unknown as Session<Record<string, unknown>>;
  }

  /** Renders a template into an HTML response: `render("index.html", { posts })`. */
  get render(): Render {
    return renderOf(this.#x);
  }

  /** The URL of a named route: `urlFor("post", { id: 3 })`. */
  get urlFor(): UrlFor {
    return urlForOf(this.#x);
  }
}

/**
 * The one object a handler (and a middleware) receives. Declared inputs are set on it once
 * validated; dependencies are set under their keys. Typed per route by `RouteContext`; this class
 * is what exists at run time.
 */
export class Context extends ExchangeView {
  params: unknown;
  query: unknown = NOTHING;
  headers: unknown = NOTHING;
  cookies: unknown = NOTHING;
  body: unknown = undefined;
  form: unknown = NOTHING;
  files: unknown = NOTHING;

  constructor(x: Exchange) {
    super(x);
    this.params = x.params;
  }
}
