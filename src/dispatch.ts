import type { IncomingMessage, ServerResponse } from "node:http";
import { logAccess } from "./access-log.js";
import type { MountEntry, RouteTable } from "./compile.js";
import { Context } from "./context.js";
import { HTTPException, withoutStack } from "./errors.js";
import { Exchange } from "./exchange.js";
import type { AppRuntime } from "./internal/runtime.js";
import { finish, handleRoute } from "./pipeline.js";
import { RedirectResponse, type VialResponse } from "./response/responses.js";
import { write } from "./response/send.js";

/** Longest request target accepted; longer ones get 414 before any routing. */
export const MAX_URL_LENGTH = 8192;

/** What dispatching needs from the app: the runtime, the compiled table, the middleware for misses. */
export interface DispatchTarget extends AppRuntime {
  table(): RouteTable;
  /** App middleware around unmatched requests (404, 405, redirects); `undefined` without middleware. */
  missChain(): ((x: Exchange) => Promise<VialResponse>) | undefined;
  /** One log line per request, and `X-Request-ID` on the response (`AppOptions.accessLog`). */
  readonly accessLog: boolean;
}

/** The request entry point: splits the target, finds the route (or mount) and hands over. */
export function dispatch(app: DispatchTarget, req: IncomingMessage, res: ServerResponse): void {
  if (app.accessLog) logAccess(app.logger, req, res);
  const url = req.url ?? "/";
  if (url.length > MAX_URL_LENGTH) {
    refuse(res, 414, "URI Too Long");
    return;
  }
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const search = q === -1 ? "" : url.slice(q + 1);
  dispatchPath(app, req, res, path, search);
}

/** Dispatches a path already split from its query string (also the entry of mounted apps). */
export function dispatchPath(
  app: DispatchTarget,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  search: string,
): void {
  if (path.includes("%") && !decodable(path)) {
    refuse(res, 400, "Invalid percent-encoding in the URL path");
    return;
  }
  const table = app.table();
  const method = req.method ?? "GET";
  const match = table.matcher.find(method, path);
  if (match === null) {
    miss(app, req, res, path, search);
    return;
  }
  const entry = match.value;
  if ("mount" in entry) {
    delegate(entry, req, res, path, search);
    return;
  }
  handleRoute(new Exchange(app, req, res, entry, match.params, path, search));
}

function delegate(
  entry: MountEntry,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  search: string,
): void {
  const rest = path.slice(entry.mount.length) || "/";
  entry.target.dispatch(req, res, rest, search);
}

/**
 * No route for this method and path: a 307 to the other trailing-slash form if that one exists
 * (FastAPI's redirect_slashes), else 405 with `Allow` if other methods match, else 404. Goes
 * through the app's middleware and exception handlers like any response.
 */
function miss(
  app: DispatchTarget,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  search: string,
): void {
  const x = new Exchange(app, req, res, undefined, {}, path, search);
  x.ctx = new Context(x);
  const chain = app.missChain();
  const respond = () => (chain ? chain(x) : missResponse(app, x));
  // A server-side session is loaded first, so a 404 page or middleware can read it.
  const answer = app.preload ? app.preload(x).then(respond) : respond();
  answer
    .then(
      (response) => write(x, response),
      (error) => app.handleUnhandled(x, error).then((response) => write(x, response)),
    )
    .then(
      () => finish(x),
      () => res.destroy(),
    );
}

/** The response to an unmatched request, through the exception handlers (so 404 can be customised). */
export async function missResponse(app: DispatchTarget, x: Exchange): Promise<VialResponse> {
  const { matcher } = app.table();
  const method = x.req.method ?? "GET";
  const path = x.path;
  const other = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
  if (other !== "" && matcher.find(method, other) !== null) {
    return new RedirectResponse(x.search ? `${other}?${x.search}` : other, { status: 307 });
  }
  const allowed = matcher.methodsFor(path);
  const error = withoutStack(() =>
    allowed.length > 0
      ? new HTTPException(405, "Method Not Allowed", { allow: allowed.join(", ") })
      : new HTTPException(404, "Not Found"),
  );
  return app.handleError(x, error);
}

/** Whether a percent-encoded path decodes (a broken one is answered 400). */
export function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** Answers a request too broken to route, without touching anything else. */
function refuse(res: ServerResponse, status: number, detail: string): void {
  const body = JSON.stringify({ detail });
  res.writeHead(status, [
    "content-type",
    "application/json",
    "content-length",
    String(Buffer.byteLength(body)),
    "connection",
    "close",
  ]);
  res.end(body);
}
