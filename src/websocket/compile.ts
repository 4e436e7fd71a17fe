import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import type { WebSocketServer } from "ws";
import type { MountEntry } from "../compile.js";
import { ConfigurationError } from "../errors.js";
import type { CompiledRoute } from "../internal/runtime.js";
import { type Matcher, RadixMatcher } from "../routing/matcher.js";
import { parsePath } from "../routing/path.js";
import type { ConnectionOptions } from "./connection.js";
import { messageChecker } from "./message.js";
import type { PeerLimits } from "./peer.js";
import {
  type AnyWebSocketHandler,
  resolveSettings,
  type WebSocketRecord,
  type WebSocketSettings,
} from "./route.js";

/** A WebSocket route compiled when the app starts. */
export interface CompiledWebSocket {
  /** Inputs, dependency plan and labels, compiled as an HTTP route's are. */
  readonly route: CompiledRoute;
  readonly handler: AnyWebSocketHandler;
  readonly settings: WebSocketSettings;
  readonly limits: PeerLimits;
  readonly connection: ConnectionOptions;
  /** Completes handshakes for this route (`ws` in `noServer` mode, this route's limits). */
  readonly server: WebSocketServer;
}

export type SocketEntry = CompiledWebSocket | MountEntry;

/** Headers a handshake's `ctx.response` set, added to the `101 Switching Protocols` answer. */
export const HANDSHAKE_HEADERS = Symbol("vial.handshakeHeaders");

/**
 * Compiles the WebSocket routes into their own matcher (an upgrade never matches an HTTP
 * route, nor a request a WebSocket route), with the mounted apps that take upgrades.
 */
export function compileWebSockets(
  records: readonly WebSocketRecord[],
  mounts: readonly MountEntry[],
  defaults: WebSocketSettings | undefined,
  compileRoute: (record: WebSocketRecord) => CompiledRoute,
): Matcher<SocketEntry> {
  const matcher = new RadixMatcher<SocketEntry>();
  const paths = new Set<string>();
  for (const record of records) {
    if (paths.has(record.path)) {
      throw new ConfigurationError(
        `Route WEBSOCKET ${record.path} is registered twice. Remove one, or give them different paths.`,
      );
    }
    paths.add(record.path);
    matcher.add("GET", record.template, compileWebSocket(record, defaults, compileRoute));
  }
  for (const mount of mounts) {
    if (!mount.target.upgrade) continue;
    for (const path of [mount.mount, `${mount.mount}/{path:path}`]) {
      matcher.add("GET", parsePath(path), mount);
    }
  }
  return matcher;
}

const require = createRequire(import.meta.url);
let ws: typeof import("ws") | undefined;

/** `ws`, loaded when the first WebSocket route is compiled: apps without any never load it. */
function loadWs(): typeof import("ws") {
  ws ??= require("ws") as typeof import("ws");
  return ws;
}

function compileWebSocket(
  record: WebSocketRecord,
  defaults: WebSocketSettings | undefined,
  compileRoute: (record: WebSocketRecord) => CompiledRoute,
): CompiledWebSocket {
  const options = record.socketOptions;
  const settings = resolveSettings(options, defaults);
  const offered = options.subprotocols;
  const server = new (loadWs().WebSocketServer)({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: settings.maxPayload,
    handleProtocols: offered
      ? (asked) => [...asked].find((p) => offered.includes(p)) ?? false
      : undefined,
  });
  server.on("headers", addHandshakeHeaders);
  return {
    route: compileRoute(record),
    handler: record.socketHandler,
    settings,
    limits: {
      maxBufferedAmount: settings.maxBufferedAmount,
      slowConsumer: settings.slowConsumer,
      highWaterMark: settings.maxPayload,
    },
    connection: { check: messageChecker(options.message), invalidMessage: settings.invalidMessage },
    server,
  };
}

function addHandshakeHeaders(headers: string[], req: IncomingMessage): void {
  const extra = (req as unknown as Record<symbol, Iterable<[string, string]> | undefined>)[
    HANDSHAKE_HEADERS
  ];
  if (!extra) return;
  for (const [name, value] of extra) headers.push(`${name}: ${value}`);
}
