import type { IncomingMessage, ServerResponse } from "node:http";
import { requestIdOf } from "./access-log.js";
import { BackgroundTasks } from "./background.js";
import type { Context } from "./context.js";
import type { AppRuntime, CompiledRoute } from "./internal/runtime.js";
import type { Trust } from "./request/proxy.js";
import { parseQuery, type RawValues } from "./request/query.js";
import { parseCookieHeader, type RequestSource, VialRequest } from "./request/request.js";
import type { UploadCollector, UploadFile } from "./request/uploads.js";
import { ResponseState } from "./response/state.js";
import type { LoadedSession } from "./sessions/sessions.js";
import type { ValidationErrorItem } from "./validation/errors.js";

/** A generator dependency waiting at its `yield` for the request to end. */
export type OpenGenerator =
  | Generator<unknown, unknown, unknown>
  | AsyncGenerator<unknown, unknown, unknown>;

/**
 * Everything Vial tracks about one request while it is handled: the node objects, the match,
 * the raw inputs, and what runs after the response. Internal; handlers see {@link Context}.
 */
export class Exchange implements RequestSource {
  ctx!: Context;
  rawBody: Buffer | undefined = undefined;
  /** The parsed JSON body, once read. */
  json: unknown = undefined;
  /** Raw form fields, once read (`undefined` when the body was not a form). */
  formFields: RawValues | undefined = undefined;
  /** Uploaded files by field, once read (routes taking `files`). */
  uploadFiles: Record<string, UploadFile[]> | undefined = undefined;
  /** Holds the request's spooled temp files, removed after the response. */
  uploads: UploadCollector | undefined = undefined;
  /** The session, once loaded (apps with a `secretKey`). */
  session: LoadedSession | undefined = undefined;
  /** Set when the body cannot be what the route declares (e.g. not JSON); reported as its error. */
  bodyError: ValidationErrorItem | undefined = undefined;
  responseState: ResponseState | undefined = undefined;
  backgroundTasks: BackgroundTasks | undefined = undefined;
  /** Generator dependencies to close after the response, in set-up order. */
  exitStack: OpenGenerator[] | undefined = undefined;
  /** Values of dependencies solved for this request, by plan step. */
  values: unknown[] | undefined = undefined;
  #request: VialRequest | undefined = undefined;
  #query: RawValues | undefined = undefined;
  #cookies: Record<string, string | undefined> | undefined = undefined;
  #state: Record<string, unknown> | undefined = undefined;

  constructor(
    readonly app: AppRuntime,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly route: CompiledRoute | undefined,
    readonly params: Record<string, string | undefined>,
    readonly path: string,
    readonly search: string,
  ) {}

  get trust(): Trust | undefined {
    return this.app.trust;
  }

  get bodyTimeout(): number {
    return this.app.bodyTimeout;
  }

  get bodyLimit(): number {
    return this.route?.bodyLimit ?? this.app.bodyLimit;
  }

  rawQuery(): RawValues {
    this.#query ??= parseQuery(this.search);
    return this.#query;
  }

  rawCookies(): Record<string, string | undefined> {
    this.#cookies ??= parseCookieHeader(this.req.headers.cookie);
    return this.#cookies;
  }

  get request(): VialRequest {
    this.#request ??= new VialRequest(this);
    return this.#request;
  }

  get response(): ResponseState {
    this.responseState ??= new ResponseState();
    return this.responseState;
  }

  get background(): BackgroundTasks {
    this.backgroundTasks ??= new BackgroundTasks();
    return this.backgroundTasks;
  }

  get state(): Record<string, unknown> {
    this.#state ??= {};
    return this.#state;
  }

  /** `X-Request-ID` when the client sent a sane one, else a new UUID. */
  get requestId(): string {
    return requestIdOf(this.req);
  }

  /** Whether anything must run once the response is sent. */
  get hasAfterWork(): boolean {
    return (
      this.exitStack !== undefined ||
      (this.backgroundTasks?.size ?? 0) > 0 ||
      this.uploads !== undefined
    );
  }
}
