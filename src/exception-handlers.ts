import {
  HTTPException,
  RequestValidationError,
  ResponseValidationError,
  withoutStack,
} from "./errors.js";
import type { Exchange } from "./exchange.js";
import { bodiless, JSONResponse, type VialResponse } from "./response/responses.js";
import { toResponse } from "./response/send.js";
import type { BaseContext } from "./types.js";

/** Answers an error; the return value follows the handler return-value rules. */
export type ExceptionHandler<E = any> = (error: E, ctx: BaseContext) => unknown;

type ErrorClass = abstract new (...args: any[]) => unknown;

/** Where a server error is stored on the node request, for `TestClient({ raiseServerExceptions })`. */
export const SERVER_ERROR = Symbol("vial.serverError");

/**
 * The app's exception handlers, looked up by status (for `HTTPException`s), then by class from
 * the error's own up to `Error`, as Flask does. The defaults below answer what nothing else does.
 */
export class ExceptionHandlers {
  readonly #byStatus = new Map<number, ExceptionHandler>();
  readonly #byClass = new Map<ErrorClass, ExceptionHandler>();

  #validationHandled: boolean | undefined;

  add(key: number | ErrorClass, handler: ExceptionHandler): void {
    if (typeof key === "number") this.#byStatus.set(key, handler);
    else this.#byClass.set(key, handler);
    this.#validationHandled = undefined;
  }

  /** Whether a registered handler answers request validation errors (by 422 or by class). */
  handlesValidation(): boolean {
    this.#validationHandled ??= this.find(VALIDATION_SAMPLE) !== undefined;
    return this.#validationHandled;
  }

  find(error: unknown): ExceptionHandler | undefined {
    if (error instanceof HTTPException) {
      const byStatus = this.#byStatus.get(error.status);
      if (byStatus) return byStatus;
    }
    if (error instanceof RequestValidationError) {
      const byStatus = this.#byStatus.get(422);
      if (byStatus) return byStatus;
    }
    if (typeof error !== "object" || error === null) return undefined;
    for (
      let proto = Object.getPrototypeOf(error);
      proto !== null;
      proto = Object.getPrototypeOf(proto)
    ) {
      const handler = this.#byClass.get(proto.constructor);
      if (handler) return handler;
    }
    return undefined;
  }

  /** The handler for errors nothing else handles: registered for 500, else for `Error`. */
  findServerError(): ExceptionHandler | undefined {
    return this.#byStatus.get(500) ?? this.#byClass.get(Error);
  }

  /** The response for `error`: a registered handler's, else the default; throws what neither answers. */
  async respond(x: Exchange, error: unknown): Promise<VialResponse> {
    const handler = this.find(error);
    if (handler) return toResponse(x, await handler(error, x.ctx as unknown as BaseContext));
    const answer = defaultAnswer(x, error);
    if (answer) return answer;
    throw error;
  }

  /**
   * The default answer to an `HTTPException` or `RequestValidationError` when no handler is
   * registered for it, synchronously (the 404 and 422 paths need no promise); else `undefined`.
   */
  answerByDefault(x: Exchange, error: unknown): VialResponse | undefined {
    return this.find(error) ? undefined : defaultAnswer(x, error);
  }

  /** Logs an unhandled error with the request id, then answers 500 (no stack on the wire). */
  async respondToServerError(x: Exchange, error: unknown): Promise<VialResponse> {
    (x.req as unknown as Record<symbol, unknown>)[SERVER_ERROR] = error;
    const where = x.route?.label ?? `${x.req.method} ${x.path}`;
    const hint = error instanceof ResponseValidationError ? "" : " in the handler";
    x.app.logger.error(
      { err: error, requestId: x.requestId, route: where },
      `Unhandled error${hint} of ${where}`,
    );
    const handler = this.findServerError();
    let response: VialResponse | undefined;
    if (handler) {
      try {
        response = toResponse(x, await handler(error, x.ctx as unknown as BaseContext));
      } catch (failure) {
        x.app.logger.error(
          { err: failure, requestId: x.requestId },
          "The 500 exception handler failed",
        );
      }
    }
    if (!response) {
      const pages = x.app.web.errorPages;
      response = pages?.wants(x)
        ? pages.render(x, { status: 500, detail: "Internal Server Error", error })
        : new JSONResponse({ detail: "Internal Server Error" }, { status: 500 });
    }
    // The id of the logged error, so a client can quote it in a bug report.
    if (!response.headers.has("x-request-id")) response.headers.set("x-request-id", x.requestId);
    return response;
  }
}

const VALIDATION_SAMPLE = withoutStack(() => new RequestValidationError([]));

/** HTML error pages for browsers on server-rendered apps, FastAPI's JSON bodies otherwise. */
function defaultAnswer(x: Exchange, error: unknown): VialResponse | undefined {
  const pages = x.app.web.errorPages;
  if (error instanceof HTTPException) {
    if (pages?.wants(x) && !bodiless(error.status)) {
      const { status, detail, headers } = error;
      return pages.render(x, { status, detail, headers });
    }
    return httpExceptionResponse(error);
  }
  if (error instanceof RequestValidationError) {
    if (pages?.wants(x))
      return pages.render(x, { status: 422, detail: "Invalid input", errors: error.errors });
    return new JSONResponse({ detail: error.errors }, { status: 422 });
  }
  return undefined;
}

/** `HTTPException` -> `{"detail": ...}` with its status and headers (no body where none is allowed). */
export function httpExceptionResponse(error: HTTPException): VialResponse {
  const response = new JSONResponse(bodiless(error.status) ? undefined : { detail: error.detail }, {
    status: error.status,
    headers: error.headers,
  });
  return response;
}
