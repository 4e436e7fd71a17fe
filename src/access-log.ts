import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "./logger.js";

const REQUEST_ID = Symbol("vial.requestId");
const VALID_REQUEST_ID = /^[\w.:@/+=-]{1,200}$/;

type Carrier = IncomingMessage & { [REQUEST_ID]?: string };

/**
 * The request's id: its `X-Request-ID` when the client (or a proxy) sent a sane one, else a new
 * UUID. Computed once and kept on the request, so the access line, error logs and the response
 * header all carry the same id.
 */
export function requestIdOf(req: IncomingMessage): string {
  const carrier = req as Carrier;
  let id = carrier[REQUEST_ID];
  if (id === undefined) {
    const given = req.headers["x-request-id"];
    id = typeof given === "string" && VALID_REQUEST_ID.test(given) ? given : randomUUID();
    carrier[REQUEST_ID] = id;
  }
  return id;
}

/**
 * Starts the access log of one request: returns its id in `X-Request-ID` and, once the response
 * is done, logs one line with method, path, status, duration and request id. Only called when
 * the access log is on; then its whole cost is one header, one clock read and one listener.
 * The query string is left out of the line: it often carries tokens that must not reach logs.
 */
export function logAccess(logger: Logger, req: IncomingMessage, res: ServerResponse): void {
  const start = performance.now();
  const url = req.url ?? "/";
  const requestId = requestIdOf(req);
  res.setHeader("x-request-id", requestId);
  // "close" rather than "finish": it also fires when the client goes away mid-response.
  res.once("close", () => {
    const durationMs = Math.round((performance.now() - start) * 100) / 100;
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? "GET";
    if (res.writableEnded) {
      const status = res.statusCode;
      logger.info(
        { requestId, method, path, status, durationMs },
        `${method} ${path} ${status} ${durationMs}ms`,
      );
    } else {
      const status = res.headersSent ? res.statusCode : null;
      logger.info(
        { requestId, method, path, status, durationMs, aborted: true },
        `${method} ${path} ${status ?? "-"} ${durationMs}ms (client disconnected)`,
      );
    }
  });
}
