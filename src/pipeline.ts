import { Context } from "./context.js";
import {
  closeGenerators,
  solveDependencies,
  solveGroups,
  throwIntoGenerators,
} from "./di/solve.js";
import { ClientDisconnected, RequestValidationError, withoutStack } from "./errors.js";
import type { Exchange } from "./exchange.js";
import type { CompiledRoute } from "./internal/runtime.js";
import { collectBody, isJsonMediaType, mediaTypeOf, parseJson, readBody } from "./request/body.js";
import { parseForm } from "./request/form.js";
import { UploadCollector } from "./request/uploads.js";
import type { VialResponse } from "./response/responses.js";
import { send, sendJson, toResponse, write } from "./response/send.js";
import { checkCsrf, UNSAFE_METHODS } from "./sessions/csrf.js";
import type { ValidationErrorItem } from "./validation/errors.js";

/** Resolves once the after-response work of a request is done; the test client waits on it. */
export const AFTER_WORK = Symbol("vial.afterWork");

/**
 * Handles a request that matched `x.route`: read the body if the route takes one, solve
 * dependencies, validate inputs, call the handler, send its result. Errors become responses
 * through the app's exception handlers. Never throws and never rejects.
 */
export function handleRoute(x: Exchange): void {
  const route = x.route!;
  x.ctx = new Context(x);
  const preload = x.app.preload;
  if (preload) {
    preload(x).then(
      () => start(x, route),
      (error) => fail(x, error),
    );
    return;
  }
  start(x, route);
}

function start(x: Exchange, route: CompiledRoute): void {
  if (route.chain) {
    route
      .chain(x)
      .then((response) => write(x, response))
      .then(
        () => finish(x),
        (error) => fail(x, error),
      );
    return;
  }
  if (route.bodyKind === "json" && !route.csrf) {
    // The common JSON route goes on from the body's last chunk, without a promise in between.
    collectBody(x.req, x.bodyLimit, x.bodyTimeout, (error, bytes) => {
      if (error) {
        fail(x, error);
        return;
      }
      x.rawBody = bytes;
      proceed(x, route, solveWithJsonBody);
    });
    return;
  }
  proceed(x, route, run);
}

function solveWithJsonBody(x: Exchange, route: CompiledRoute): unknown {
  takeJsonBody(x, x.rawBody!, mediaTypeOf(x.req.headers["content-type"]));
  return solveAndCall(x, route);
}

/** Runs `step` and sends what it gives, now or when its promise settles. */
function proceed(
  x: Exchange,
  route: CompiledRoute,
  step: (x: Exchange, route: CompiledRoute) => unknown,
): void {
  let result: unknown;
  try {
    result = step(x, route);
  } catch (error) {
    fail(x, error);
    return;
  }
  if (isPromise(result)) result.then((value) => respond(x, value)).catch((error) => fail(x, error));
  else respond(x, result);
}

/** The innermost step of a middleware chain: the route itself, with its known errors answered. */
export async function routeTerminal(x: Exchange): Promise<VialResponse> {
  try {
    return toResponse(x, await runChecked(x, x.route!));
  } catch (error) {
    if (error instanceof ClientDisconnected) throw error;
    const answered = await throwIntoGenerators(x, error);
    x.backgroundTasks?.drop(x.app.logger, x.requestId, "the handler failed");
    return x.app.handleError(x, answered);
  }
}

/** Reads the body, solves dependencies and inputs, calls the handler (WebSockets reuse it). */
function run(x: Exchange, route: CompiledRoute): unknown {
  if (route.csrf && UNSAFE_METHODS.has(x.req.method!)) {
    return readRequestBody(x, route).then(() => {
      checkCsrf(x, x.app.web.sessions!, x.app.web.csrf!);
      return solveAndCall(x, route);
    });
  }
  if (route.bodyKind) return readRequestBody(x, route).then(() => solveAndCall(x, route));
  return solveAndCall(x, route);
}

function solveAndCall(x: Exchange, route: CompiledRoute): unknown {
  if (route.plan.steps.length > 0) {
    const errors: ValidationErrorItem[] = [];
    const pending = solveDependencies(x, route.plan, errors);
    if (pending) return pending.then(() => validateAndCall(x, route, errors));
    return validateAndCall(x, route, errors);
  }
  return validateAndCall(x, route, undefined);
}

function validateAndCall(
  x: Exchange,
  route: CompiledRoute,
  prior: ValidationErrorItem[] | undefined,
): unknown {
  const ctx = x.ctx as unknown as Record<string, unknown>;
  const errors = prior ?? [];
  const pending = solveGroups(x, route.groups, ctx, errors);
  if (pending) return pending.then(() => call(x, route, errors));
  return call(x, route, errors);
}

/**
 * A request that failed validation, returned instead of thrown: the 422 path is common (a form
 * with a typo), and a throw through the promise chain costs more than the rest of it.
 */
class Invalid {
  #error: RequestValidationError | undefined;

  constructor(
    readonly errors: ValidationErrorItem[],
    readonly body: unknown,
  ) {}

  /** The error, made only when something needs it (an `Error` costs more than the 422). */
  get error(): RequestValidationError {
    this.#error ??= withoutStack(() => new RequestValidationError(this.errors, this.body));
    return this.#error;
  }
}

/** `run` for callers that want validation failures thrown (middleware chains, WebSockets). */
export async function runChecked(x: Exchange, route: CompiledRoute): Promise<unknown> {
  const value = await run(x, route);
  if (value instanceof Invalid) throw value.error;
  return value;
}

function call(x: Exchange, route: CompiledRoute, errors: ValidationErrorItem[]): unknown {
  if (errors.length > 0) {
    return new Invalid(errors, x.json ?? x.formFields);
  }
  const ctx = x.ctx as unknown as Record<string, unknown>;
  if (route.extraParams.length > 0) {
    const params = ctx.params as Record<string, unknown>;
    for (const [name, key] of route.extraParams) params[name] ??= x.params[key];
  } else if (route.renamedParams.length > 0 && ctx.params === x.params) {
    const params: Record<string, unknown> = { ...x.params };
    for (const [name, key] of route.renamedParams) {
      params[name] = params[key];
      delete params[key];
    }
    ctx.params = params;
  }
  if (x.values) {
    for (const [key, index] of route.plan.provides) ctx[key] = x.values[index];
  }
  return route.handler(ctx);
}

function readRequestBody(x: Exchange, route: CompiledRoute): Promise<void> {
  const media = mediaTypeOf(x.req.headers["content-type"]);
  // A CSRF-checked route without a form input still reads a posted form, for its token.
  if (route.bodyKind === "form" || (route.bodyKind === undefined && isFormMedia(media))) {
    return readForm(x, route, media);
  }
  if (route.bodyKind === undefined) return Promise.resolve();
  return readBody(x.req, x.bodyLimit, x.bodyTimeout).then((bytes) => takeJsonBody(x, bytes, media));
}

/** Keeps a JSON route's body: parsed when it is JSON, else kept as the body's error. */
function takeJsonBody(x: Exchange, bytes: Buffer, media: string): void {
  x.rawBody = bytes;
  if (bytes.length === 0) return;
  const text = bytes.toString("utf8");
  // Without a Content-Type the body is read as JSON, as FastAPI does; with another one it is refused.
  if (media === "" || isJsonMediaType(media)) {
    x.json = parseJson(text);
    return;
  }
  x.json = text;
  x.bodyError = {
    type: "model_attributes_type",
    loc: ["body"],
    msg: `Input should be a valid dictionary or object to extract fields from: expected a JSON body (Content-Type: application/json), got '${media}'`,
    input: text,
  };
}

function isFormMedia(media: string): boolean {
  return media === "application/x-www-form-urlencoded" || media === "multipart/form-data";
}

async function readForm(x: Exchange, route: CompiledRoute, media: string): Promise<void> {
  const uploads = route.uploads;
  if (!uploads || media !== "multipart/form-data") {
    const parsed = await parseForm(x.req, media, {
      bodyLimit: x.bodyLimit,
      idleTimeout: x.bodyTimeout,
    });
    x.formFields = parsed?.fields;
    x.rawBody = parsed?.raw;
    return;
  }
  const own = route.bodyLimit;
  x.uploads = new UploadCollector(uploads);
  const parsed = await parseForm(x.req, media, {
    bodyLimit: own ?? uploads.totalSize,
    bodyLimitName: own === undefined ? "upload limit (uploads.totalSize)" : "route's bodyLimit",
    fieldSize: uploads.fieldSize,
    parts: uploads.parts,
    files: uploads.files,
    fileSize: uploads.fileSize,
    collector: x.uploads,
    idleTimeout: x.bodyTimeout,
  });
  x.formFields = parsed?.fields;
  x.uploadFiles = x.uploads.files;
}

function respond(x: Exchange, value: unknown): void {
  if (value instanceof Invalid) {
    // FastAPI's 422 when nothing else answers validation errors: straight to the wire.
    if (x.exitStack === undefined && x.app.answersValidationByDefault(x)) {
      x.backgroundTasks?.drop(x.app.logger, x.requestId, "the request was invalid");
      sendJson(x, 422, { detail: value.errors });
      finish(x);
    } else {
      fail(x, value.error);
    }
    return;
  }
  let sent: void | Promise<void>;
  try {
    sent = send(x, value);
  } catch (error) {
    fail(x, error);
    return;
  }
  if (sent)
    sent.then(
      () => finish(x),
      (error) => failAfterHeaders(x, error),
    );
  else finish(x);
}

/**
 * Answers a failed request; the handler's background tasks are dropped and named in a warning.
 * A 404/422-like error with no generator dependency open and no handler registered for it is
 * answered at once; everything else takes the general, asynchronous way.
 */
function fail(x: Exchange, error: unknown): void {
  if (x.res.headersSent) {
    failAfterHeaders(x, error);
    return;
  }
  const answer = x.exitStack === undefined ? x.app.answerByDefault(x, error) : undefined;
  if (answer === undefined) {
    failSlowly(x, error);
    return;
  }
  x.backgroundTasks?.drop(x.app.logger, x.requestId, "the handler failed");
  let written: void | Promise<void>;
  try {
    written = write(x, answer);
  } catch (writeError) {
    failAfterHeaders(x, writeError);
    return;
  }
  if (written)
    written.then(
      () => finish(x),
      (writeError) => failAfterHeaders(x, writeError),
    );
  else finish(x);
}

async function failSlowly(x: Exchange, error: unknown): Promise<void> {
  if (error instanceof ClientDisconnected) {
    await throwIntoGenerators(x, error);
    x.res.destroy();
    await x.uploads?.discard();
    return;
  }
  const answered = await throwIntoGenerators(x, error);
  x.backgroundTasks?.drop(x.app.logger, x.requestId, "the handler failed");
  let response: VialResponse;
  try {
    response = await x.app.handleError(x, answered);
  } catch (unhandled) {
    response = await x.app.handleUnhandled(x, unhandled);
  }
  try {
    await write(x, response);
  } catch (writeError) {
    return failAfterHeaders(x, writeError);
  }
  finish(x);
}

/** Headers are out, so no error response is possible: log, and cut the connection. */
function failAfterHeaders(x: Exchange, error: unknown): void {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== "ERR_STREAM_PREMATURE_CLOSE" && !(error instanceof ClientDisconnected)) {
    x.app.logger.error(
      { err: error, requestId: x.requestId, route: x.route?.label },
      "Response failed after its headers were sent",
    );
  }
  x.res.destroy();
  finish(x);
}

/** Starts the after-response work: background tasks, then dependency tear-downs. */
export function finish(x: Exchange): void {
  if (!x.hasAfterWork) return;
  const work = afterResponse(x);
  (x.req as unknown as Record<symbol, Promise<void>>)[AFTER_WORK] = work;
  x.app.track(work);
}

async function afterResponse(x: Exchange): Promise<void> {
  const logger = x.app.logger;
  if (x.backgroundTasks?.size) await x.backgroundTasks.run(logger, x.requestId);
  const stack = x.exitStack;
  if (stack) {
    x.exitStack = undefined;
    await closeGenerators(stack, (error) =>
      logger.error({ err: error, requestId: x.requestId }, "A dependency's tear-down failed"),
    );
  }
  // Uploads live until background tasks and tear-downs are done with them.
  await x.uploads
    ?.discard()
    .catch((error) =>
      logger.error({ err: error, requestId: x.requestId }, "Removing uploads failed"),
    );
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | undefined)?.then === "function";
}
