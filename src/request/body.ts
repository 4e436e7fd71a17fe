import type { IncomingMessage } from "node:http";
import sjson from "secure-json-parse";
import { ClientDisconnected, HTTPException, RequestValidationError } from "../errors.js";
import { depthExceededAt, locateJsonError } from "./json-error.js";

/** Deepest nesting accepted in a JSON body; deeper documents get 422 `json_invalid`. */
export const MAX_JSON_DEPTH = 512;

const EMPTY = Buffer.alloc(0);

/** How long a request body may go without sending data before it is cut off (408). */
export const DEFAULT_BODY_TIMEOUT = 10_000;

/**
 * Reads the whole request body, refusing with 413 as soon as it is known to exceed `limit`: from
 * `Content-Length` before reading anything, or while reading a chunked body. The connection is
 * then closed instead of draining the rest. A body that stops arriving for `idleTimeout` ms is
 * cut off with 408 (slow-body attacks).
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  idleTimeout = DEFAULT_BODY_TIMEOUT,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    collectBody(req, limit, idleTimeout, (error, body) => (error ? reject(error) : resolve(body!))),
  );
}

/** {@link readBody} with a callback: the request path continues without a promise. */
export function collectBody(
  req: IncomingMessage,
  limit: number,
  idleTimeout: number,
  done: (error: Error | undefined, body?: Buffer) => void,
): void {
  if (req.readableEnded) {
    // Waiting for a stream that already ended would hang the request forever.
    done(
      new Error(
        "The request body was already read as a multipart form; it is not kept. Declare the fields in `form`/`files` instead of reading request.body().",
      ),
    );
    return;
  }
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    done(tooLarge(limit));
    return;
  }
  if (
    declared === "0" ||
    (declared === undefined && req.headers["transfer-encoding"] === undefined)
  ) {
    done(undefined, EMPTY);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let stopped = false;
  // Listeners stay on the request (it is thrown away after the response); a flag keeps a late
  // 'error' or 'close' from answering twice. Removing four listeners cost more than reading.
  const stop = (error?: Error) => {
    if (stopped) return;
    stopped = true;
    unwatch(watched);
    if (error) {
      req.off("data", onData);
      done(error);
    }
  };
  const watched = watchIdle(idleTimeout, (error) => {
    req.pause();
    stop(error);
  });
  const onData = (chunk: Buffer) => {
    watched.active = true;
    size += chunk.length;
    if (size > limit) {
      req.pause();
      stop(tooLarge(limit));
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    if (stopped) return;
    stop();
    done(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  };
  const onError = () => stop(new ClientDisconnected());
  const onClose = () => {
    if (!req.complete) stop(new ClientDisconnected());
  };
  req.on("data", onData);
  req.on("end", onEnd);
  req.on("error", onError);
  req.on("close", onClose);
}

/** A body being read: whether data came since the last sweep, and what to do on timeout. */
export interface IdleWatch {
  active: boolean;
  idleSweeps: number;
  readonly sweeps: number;
  readonly fail: (error: HTTPException) => void;
  /** Neighbours in the list of bodies being read (`null` at either end). */
  prev: IdleWatch | null;
  next: IdleWatch | null;
  /** Whether it is in that list. */
  linked: boolean;
}

const SWEEP_MS = 250;
/**
 * The bodies being read, as a list linked through the watches themselves. A `Set` would do, but
 * a long-lived `Set` reallocates its table in the old generation as entries come and go, which
 * under load meant a full GC every second or so; linking the watches allocates nothing.
 */
let first: IdleWatch | null = null;
let sweeper: NodeJS.Timeout | undefined;

/**
 * Watches a body read for idleness. One shared timer sweeps every body in progress, so reading
 * a body costs a boolean per chunk rather than a timer per request.
 */
export function watchIdle(idleTimeout: number, fail: (error: HTTPException) => void): IdleWatch {
  const watched: IdleWatch = {
    active: false,
    idleSweeps: 0,
    sweeps: Math.max(1, Math.ceil(idleTimeout / SWEEP_MS)),
    fail,
    prev: null,
    next: null,
    linked: false,
  };
  if (!Number.isFinite(idleTimeout) || idleTimeout <= 0) return watched;
  watched.next = first;
  if (first !== null) first.prev = watched;
  first = watched;
  watched.linked = true;
  sweeper ??= setInterval(sweep, SWEEP_MS).unref();
  return watched;
}

export function unwatch(watched: IdleWatch): void {
  if (!watched.linked) return;
  watched.linked = false;
  if (watched.prev === null) first = watched.next;
  else watched.prev.next = watched.next;
  if (watched.next !== null) watched.next.prev = watched.prev;
  watched.prev = null;
  watched.next = null;
}

function sweep(): void {
  let watched = first;
  while (watched !== null) {
    const next = watched.next;
    if (watched.active) {
      watched.active = false;
      watched.idleSweeps = 0;
    } else if (++watched.idleSweeps >= watched.sweeps) {
      unwatch(watched);
      const seconds = (watched.sweeps * SWEEP_MS) / 1000;
      watched.fail(
        new HTTPException(408, `Request body timed out: no data for ${seconds} s`, {
          connection: "close",
        }),
      );
    }
    watched = next;
  }
  if (first === null && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

function tooLarge(limit: number): HTTPException {
  return new HTTPException(413, `Request body is larger than the limit of ${limit} bytes`, {
    connection: "close",
  });
}

/** The media type of a `Content-Type` header, lowercased, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string {
  if (contentType === undefined) return "";
  const semicolon = contentType.indexOf(";");
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** `application/json` and the `application/*+json` family (`application/merge-patch+json`, ...). */
export function isJsonMediaType(mediaType: string): boolean {
  return (
    mediaType === "application/json" ||
    (mediaType.startsWith("application/") && mediaType.endsWith("+json"))
  );
}

/**
 * Parses a JSON body. `__proto__` and `constructor.prototype` keys are dropped, so no body can
 * reach a prototype; broken JSON is a 422 `json_invalid` at the offset where it breaks, as
 * FastAPI reports it; nesting deeper than {@link MAX_JSON_DEPTH} is refused the same way before
 * anything recursive (validation, serialization) can overflow the stack on it.
 */
export function parseJson(text: string): unknown {
  if (text.length > MAX_JSON_DEPTH) {
    const at = depthExceededAt(text, MAX_JSON_DEPTH);
    if (at !== -1) throw jsonInvalid(at, `Nesting deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    // A `__proto__` or `constructor` key needs those letters, or a \u escape: without any of
    // them JSON.parse is safe as it is, and the scan for them is left out.
    if (
      text.indexOf("__") === -1 &&
      text.indexOf("\\u") === -1 &&
      text.indexOf("constructor") === -1
    ) {
      return JSON.parse(text);
    }
    return sjson.parse(text, undefined, { protoAction: "remove", constructorAction: "remove" });
  } catch {
    const { offset, error } = locateJsonError(text);
    throw jsonInvalid(offset, error);
  }
}

function jsonInvalid(offset: number, error: string): RequestValidationError {
  return new RequestValidationError([
    {
      type: "json_invalid",
      loc: ["body", offset],
      msg: "JSON decode error",
      input: {},
      ctx: { error },
    },
  ]);
}
