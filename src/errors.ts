import { STATUS_CODES } from "node:http";
import type { ValidationErrorItem } from "./validation/errors.js";

/**
 * An error that becomes an HTTP response: `{"detail": detail}` with `status` and `headers`.
 *
 * @example
 * throw new HTTPException(404, "Item not found");
 * throw new HTTPException(401, "Not authenticated", { "WWW-Authenticate": "Bearer" });
 */
export class HTTPException extends Error {
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, detail?: unknown, headers?: Record<string, string>) {
    const text = detail ?? STATUS_CODES[status] ?? "Error";
    super(typeof text === "string" ? text : JSON.stringify(text));
    this.name = "HTTPException";
    this.status = status;
    this.detail = text;
    this.headers = headers;
  }
}

/**
 * The request's inputs did not validate. `errors` is the whole list, in FastAPI's format; `body`
 * is the request body as received (parsed JSON, form fields, or text).
 *
 * @example
 * app.exceptionHandler(RequestValidationError, (error) =>
 *   new JSONResponse({ errors: error.errors }, { status: 400 }));
 */
export class RequestValidationError extends Error {
  readonly errors: ValidationErrorItem[];
  readonly body: unknown;

  constructor(errors: ValidationErrorItem[], body?: unknown) {
    super(`${errors.length} validation error${errors.length === 1 ? "" : "s"}`);
    this.name = "RequestValidationError";
    this.errors = errors;
    this.body = body;
  }
}

/**
 * A handler returned a value its `response` schema rejects. A server-side bug, answered with 500
 * and logged with the details; only checked when `debug` is on (development and tests).
 */
export class ResponseValidationError extends Error {
  readonly errors: ValidationErrorItem[];

  constructor(route: string, errors: ValidationErrorItem[]) {
    const lines = errors.map((e) => `  ${e.loc.join(".")}: ${e.msg}`).join("\n");
    super(`The response of ${route} does not match its \`response\` schema:\n${lines}`);
    this.name = "ResponseValidationError";
    this.errors = errors;
  }
}

/** The client went away before the request was read. Never answered, never logged as a failure. */
export class ClientDisconnected extends Error {
  constructor() {
    super("The client closed the connection before the request body was read");
    this.name = "ClientDisconnected";
  }
}

/** A mistake in how the app is put together, found while registering or compiling routes. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

/**
 * Builds an error without collecting a stack trace: used on hot error paths (404, 422) where the
 * stack would only point into Vial and costs more than the rest of the response.
 */
export function withoutStack<E>(build: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
