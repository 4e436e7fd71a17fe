import {
  type IncomingMessage,
  type RequestListener,
  ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type DispatchTarget, decodable, MAX_URL_LENGTH } from "../dispatch.js";
import type { WebSocketHub } from "./hub.js";
import { openWebSocket, type Upgrade } from "./session.js";

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * The server's `upgrade` listener (`app.upgrade`). A WebSocket handshake goes to its route (or
 * to the app mounted at its prefix); a path without a WebSocket route gets 404 and is never
 * upgraded. Any other upgrade (`h2c`, ...) is served as a plain HTTP request, as node serves
 * it when no `upgrade` listener exists.
 */
export function handleUpgrade(
  app: DispatchTarget,
  hub: WebSocketHub,
  fallback: RequestListener,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  // Node removes its own error listener from an upgraded socket; a reset must not crash.
  socket.on("error", ignore);
  const protocol = req.headers.upgrade?.toLowerCase();
  if (protocol !== "websocket") {
    // Past an upgrade node no longer parses the body, so only a bodiless request is served.
    if (Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"]) {
      refuseUpgrade(
        socket,
        400,
        `Upgrade to '${protocol}' is not supported; send the request without the Upgrade header`,
      );
    } else {
      serveOverSocket(fallback, req, socket);
    }
    return;
  }
  const url = req.url ?? "/";
  if (url.length > MAX_URL_LENGTH) {
    refuseUpgrade(socket, 414, "URI Too Long");
    return;
  }
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const search = q === -1 ? "" : url.slice(q + 1);
  upgradePath({ app, hub, req, socket, head }, path, search);
}

/** Routes an upgrade whose path is split from its query (also the entry of mounted apps). */
export function upgradePath(up: Upgrade, path: string, search: string): void {
  if (path.includes("%") && !decodable(path)) {
    refuseUpgrade(up.socket, 400, "Invalid percent-encoding in the URL path");
    return;
  }
  const match = up.app.table().sockets.find("GET", path);
  if (match === null) {
    refuseUpgrade(up.socket, 404, "Not Found");
    return;
  }
  const entry = match.value;
  if ("mount" in entry) {
    entry.target.upgrade!(
      up.req,
      up.socket,
      up.head,
      path.slice(entry.mount.length) || "/",
      search,
    );
    return;
  }
  const problem = handshakeProblem(up.req);
  if (problem) {
    refuseUpgrade(up.socket, 400, problem);
    return;
  }
  openWebSocket(up, entry, match.params, path, search).catch((error) => {
    up.app.logger.error({ err: error, route: entry.route.label }, "WebSocket upgrade failed");
    up.socket.destroy();
  });
}

/** What makes a handshake invalid (RFC 6455 section 4.2.1), checked before any user code runs. */
function handshakeProblem(req: IncomingMessage): string | undefined {
  if (req.method !== "GET") return "A WebSocket handshake must be a GET request";
  if (!WEBSOCKET_KEY.test(req.headers["sec-websocket-key"] ?? "")) {
    return "Missing or invalid Sec-WebSocket-Key header";
  }
  const version = req.headers["sec-websocket-version"];
  if (version !== "13" && version !== "8") return "Unsupported Sec-WebSocket-Version; use 13";
  return undefined;
}

/** Answers an upgrade request with a JSON error and closes the socket, never upgrading. */
export function refuseUpgrade(socket: Duplex, status: number, detail: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Serves a non-WebSocket upgrade request as an ordinary request, then closes the connection. */
function serveOverSocket(listener: RequestListener, req: IncomingMessage, socket: Duplex): void {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once("finish", () => {
    res.detachSocket(socket as Socket);
    (socket as Socket).destroySoon();
  });
  listener(req, res);
}

function ignore(): void {}
