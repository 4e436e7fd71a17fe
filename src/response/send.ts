import { Readable } from "node:stream";
import type { Exchange } from "../exchange.js";
import { urlForOf } from "../request/root-path.js";
import { bodiless, RedirectResponse, StreamingResponse, VialResponse } from "./responses.js";

const JSON_TYPE = "application/json";
const TEXT_TYPE = "text/plain; charset=utf-8";
const BYTES_TYPE = "application/octet-stream";
const JSONL_TYPE = "application/jsonl";

/**
 * The one place a handler's return value becomes a response (DESIGN.md "Return values"):
 * object, array, number, boolean, null -> JSON through the route's serializer; string ->
 * text/plain; bytes -> application/octet-stream; `undefined` -> empty body with the route's
 * status (204 if none); an async iterable -> JSON Lines (`application/jsonl`, each value through
 * the route's serializer); a Vial or web `Response` -> as is.
 * `ctx.response` (status, headers, cookies) is applied on top, the returned response winning.
 */
export function toResponse(x: Exchange, value: unknown): VialResponse {
  if (value instanceof VialResponse) return withState(x, value);
  if (value instanceof globalThis.Response) return withState(x, fromWebResponse(value));
  const state = x.responseState;
  const route = x.route;
  let response: VialResponse;
  if (route?.responseClass && value !== undefined) {
    response = new route.responseClass(value, { status: state?.status ?? route.status });
  } else if (value === undefined) {
    response = new VialResponse(undefined, { status: state?.status ?? route?.emptyStatus ?? 204 });
  } else if (typeof value === "string") {
    response = new VialResponse(value, {
      status: state?.status ?? route?.status ?? 200,
      mediaType: TEXT_TYPE,
    });
  } else if (value instanceof Uint8Array) {
    response = new VialResponse(value, {
      status: state?.status ?? route?.status ?? 200,
      mediaType: BYTES_TYPE,
    });
  } else if (isAsyncIterable(value)) {
    response = new StreamingResponse(jsonLines(value, route?.serialize ?? JSON.stringify), {
      status: state?.status ?? route?.status ?? 200,
      mediaType: JSONL_TYPE,
    });
  } else if (typeof value === "function" || typeof value === "symbol") {
    throw new TypeError(
      `The handler of ${route?.label ?? "this route"} returned a ${typeof value}; return data or a response`,
    );
  } else {
    response = new VialResponse(route ? route.serialize(value) : JSON.stringify(value), {
      status: state?.status ?? route?.status ?? 200,
      mediaType: JSON_TYPE,
    });
  }
  if (state) response.headers.merge(state.headers);
  return response;
}

/**
 * Sends a handler's return value. The common results (JSON data, text, no body) are written in
 * one `writeHead` + `end` without building a response object; everything else goes through
 * {@link toResponse}. Resolves when the whole body has been handed to node.
 */
export function send(x: Exchange, value: unknown): void | Promise<void> {
  const route = x.route;
  if (
    route &&
    x.responseState === undefined &&
    x.session === undefined &&
    route.responseClass === undefined
  ) {
    switch (typeof value) {
      case "object":
        if (
          value === null ||
          Array.isArray(value) ||
          Object.getPrototypeOf(value) === Object.prototype
        ) {
          return writeSimple(x, route.status, JSON_TYPE, route.serialize(value));
        }
        break;
      case "string":
        return writeSimple(x, route.status, TEXT_TYPE, value);
      case "number":
      case "boolean":
        return writeSimple(x, route.status, JSON_TYPE, route.serialize(value));
    }
  }
  return write(x, toResponse(x, value));
}

/** Writes a response object, headers and body. */
export function write(x: Exchange, response: VialResponse): void | Promise<void> {
  if (x.session !== undefined) {
    const saved = x.app.web.sessions!.commit(x, response);
    if (saved)
      return saved.then(() => response.write(x.res, x.req.method === "HEAD", x.app.closing));
  }
  return response.write(x.res, x.req.method === "HEAD", x.app.closing);
}

/** Sends `value` as JSON with `status`, as is (no route serializer). */
export function sendJson(x: Exchange, status: number, value: unknown): void {
  writeSimple(x, status, JSON_TYPE, JSON.stringify(value));
}

function writeSimple(x: Exchange, status: number, type: string, body: string): void {
  const res = x.res;
  if (bodiless(status)) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, ["content-type", type, "content-length", String(Buffer.byteLength(body))]);
  res.end(x.req.method === "HEAD" ? undefined : body);
}

function withState(x: Exchange, response: VialResponse): VialResponse {
  if (response instanceof RedirectResponse && response.route) response.resolve(urlForOf(x));
  const state = x.responseState;
  if (state) response.headers.merge(state.headers);
  return response;
}

function fromWebResponse(web: globalThis.Response): VialResponse {
  const headers = [...web.headers].filter(([name]) => name !== "set-cookie");
  for (const line of web.headers.getSetCookie()) headers.push(["set-cookie", line]);
  if (web.body === null) return new VialResponse(undefined, { status: web.status, headers });
  return new StreamingResponse(web.body as ReadableStream<Uint8Array>, {
    status: web.status,
    headers,
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    Symbol.asyncIterator in value &&
    !(value instanceof Readable)
  );
}

/** One JSON value per line; with a `response` schema, each value is serialized by it. */
async function* jsonLines(
  source: AsyncIterable<unknown>,
  serialize: (value: unknown) => string,
): AsyncGenerator<string> {
  for await (const item of source) yield `${item === undefined ? "null" : serialize(item)}\n`;
}
