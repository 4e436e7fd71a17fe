import {
  createServer,
  type ServerOptions as NodeServerOptions,
  type RequestListener,
  type Server,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** Node server settings Vial passes through (timeouts and header limits). */
export type ServerOptions = Pick<
  NodeServerOptions,
  | "keepAliveTimeout"
  | "headersTimeout"
  | "requestTimeout"
  | "maxHeaderSize"
  | "connectionsCheckingInterval"
  | "noDelay"
>;

/**
 * Timeouts that cut off slow clients (slowloris) without hurting real ones: the whole header
 * block within 10 s, the whole request within 60 s, idle keep-alive connections closed after
 * 5 s; node checks them every second instead of every 30. Each can be changed (`server` option).
 */
export const SERVER_DEFAULTS: ServerOptions = {
  headersTimeout: 10_000,
  requestTimeout: 60_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
  noDelay: true,
};

/** Starts a node HTTP server on `host:port` (port 0 picks a free one); resolves once listening. */
export function startServer(
  listener: RequestListener,
  port: number,
  host: string,
  options: ServerOptions,
): Promise<Server> {
  const unused = new Set<Socket>();
  // The listener forgets the socket itself: a second 'request' listener would make node copy its
  // listener list on every request.
  const server = createServer({ ...SERVER_DEFAULTS, ...options }, (req, res) => {
    unused.delete(req.socket);
    listener(req, res);
  });
  server.keepAliveTimeout = options.keepAliveTimeout ?? SERVER_DEFAULTS.keepAliveTimeout!;
  trackUnused(server, unused);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** `http://host:port` of a listening server. */
export function serverUrl(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

const UNUSED = Symbol("vial.unusedSockets");

/**
 * Remembers connections that have not sent a request yet (browsers open some ahead of time);
 * the request listener and the 'upgrade' listener take them out.
 * Node's `closeIdleConnections` leaves them open, so shutdown would wait for its timeout.
 */
function trackUnused(server: Server, unused: Set<Socket>): void {
  (server as unknown as Record<symbol, Set<Socket>>)[UNUSED] = unused;
  server.on("connection", (socket: Socket) => {
    unused.add(socket);
    socket.once("close", () => unused.delete(socket));
  });
  server.on("upgrade", (req) => unused.delete(req.socket));
}

/**
 * Stops accepting connections and waits for in-flight requests to finish; idle keep-alive
 * connections, and connections that never sent a request, are closed as soon as they are
 * idle. A request still arriving on a kept-alive connection is answered with
 * `Connection: close`, so a busy client lets go of its connection instead of keeping it until
 * the deadline. After `timeoutMs`, the rest are cut.
 */
export function stopServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.prependListener("request", (_req, res) => {
      res.shouldKeepAlive = false;
    });
    const unused = (server as unknown as Record<symbol, Set<Socket> | undefined>)[UNUSED];
    const closeIdle = () => {
      server.closeIdleConnections();
      for (const socket of unused ?? []) socket.destroy();
    };
    const sweep = setInterval(closeIdle, 25);
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
    closeIdle();
  });
}
