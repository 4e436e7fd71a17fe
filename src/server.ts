import {
  createServer,
  type ServerOptions as NodeServerOptions,
  type RequestListener,
  type Server,
} from "node:http";
import type { AddressInfo } from "node:net";

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

/** Starts a node HTTP server on `host:port` (port 0 picks a free one); resolves once listening. */
export function startServer(
  listener: RequestListener,
  port: number,
  host: string,
  options: ServerOptions,
): Promise<Server> {
  const server = createServer({ noDelay: true, ...options }, listener);
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
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

/**
 * Stops accepting connections and waits for in-flight requests to finish; idle keep-alive
 * connections are closed as soon as they are idle. After `timeoutMs`, the rest are cut.
 */
export function stopServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
