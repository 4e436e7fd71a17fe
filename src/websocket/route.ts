import type { DepsSpec } from "../di/analyse.js";
import { ConfigurationError } from "../errors.js";
import type { AnyRouteOptions, RouteRecord } from "../internal/record.js";
import { compileInputs } from "../request/inputs.js";
import { parsePath } from "../routing/path.js";
import type { CheckedDeps, Ctx, Infer } from "../types.js";
import type { InputSchema } from "../validation/schema.js";
import type { InvalidMessagePolicy, VialWebSocket } from "./connection.js";
import { messageChecker } from "./message.js";
import type { Backplane } from "./rooms.js";

/** How WebSocket connections are handled; app-wide in `new App({ websocket })`, some per route. */
export interface WebSocketSettings {
  /** Largest message accepted, in bytes (default 1 MiB); a larger one closes with 1009. */
  maxPayload: number;
  /** Bytes waiting to be sent to one client above which `slowConsumer` applies (default 1 MiB). */
  maxBufferedAmount: number;
  /**
   * What to do with a message for a client whose send buffer is full: `"close"` (default)
   * closes with 1013 (Try Again Later), so the client reconnects and catches up; `"drop"`
   * drops the message, for feeds where only the latest value matters.
   */
  slowConsumer: "close" | "drop";
  /**
   * An invalid JSON message in `receiveJson`: `"close"` (default) closes with 1007 and a
   * reason; `"reply"` answers `{"detail": [...]}` and reads the next message.
   */
  invalidMessage: InvalidMessagePolicy;
  /**
   * A validation or auth failure before the handshake completes: `"http"` (default) refuses
   * the upgrade with the HTTP error an HTTP route would answer (401, 403, 422, ...);
   * `"close"` accepts, then closes with 1008 and the error as reason, which browsers can read.
   */
  denial: "http" | "close";
}

/** `new App({ websocket })`: settings, keep-alive and the rooms' backplane. */
export interface WebSocketAppOptions extends Partial<WebSocketSettings> {
  /**
   * Milliseconds between pings (default 30 s; 0 turns keep-alive off). A client that has not
   * answered the previous ping (nor sent anything) when the next is due is disconnected.
   */
  pingInterval?: number;
  /** Carries `app.broadcast` between processes; default: one process ({@link MemoryBackplane}). */
  backplane?: Backplane;
}

export const DEFAULT_SETTINGS: WebSocketSettings = {
  maxPayload: 1024 * 1024,
  maxBufferedAmount: 1024 * 1024,
  slowConsumer: "close",
  invalidMessage: "close",
  denial: "http",
};

/** The settings in `given` (app or route options), the defaults for the rest. */
export function resolveSettings(
  given: Partial<WebSocketSettings> | undefined,
  base: WebSocketSettings = DEFAULT_SETTINGS,
): WebSocketSettings {
  const settings = { ...base };
  if (!given) return settings;
  for (const key of Object.keys(base) as (keyof WebSocketSettings)[]) {
    const value = given[key];
    if (value !== undefined) (settings as Record<string, unknown>)[key] = value;
  }
  return settings;
}

/** Options of `app.ws(path, options, handler)`: the inputs of an HTTP route, minus the body. */
export interface WebSocketOptions<Pa, Q, H, C, D, M> extends Partial<WebSocketSettings> {
  /** Path parameters: `{ room: z.string() }` checks `{room}`. */
  params?: Pa;
  query?: Q;
  /** Handshake headers by name; `x_token` or `"x-token"` reads `X-Token`. */
  headers?: H;
  cookies?: C;
  /** Dependencies, security schemes included; solved before the handshake is accepted. */
  deps?: D;
  /** Schema of JSON messages: checks and types `ws.receiveJson()` and `ws.iterJson()`. */
  message?: M;
  /** Subprotocols this route speaks; the first the client offers is chosen. */
  subprotocols?: readonly string[];
  /** The route's name, for logs. */
  name?: string;
}

type I = InputSchema | undefined;
type None = undefined;

/** What a WebSocket handler's context is: an HTTP handler's, without a body. */
export type WebSocketContext<P extends string, Pa, Q, H, C, D, A> = Ctx<
  P,
  Pa,
  Q,
  H,
  C,
  None,
  None,
  None,
  D,
  A
>;

/** The message type of a route: its `message` schema's output, else `unknown`. */
export type MessageOf<M> = [M] extends [undefined]
  ? unknown
  : M extends InputSchema
    ? Infer<M>
    : unknown;

/**
 * `app.ws(path, [options,] handler)`: a WebSocket route. The handler gets the connection and
 * the same context an HTTP handler gets, typed from the options.
 *
 * @example
 * app.ws("/rooms/{room}", { params: { room: z.string() }, deps: { user: currentUser } },
 *   async (ws, { params, user }) => {
 *     ws.join(params.room);
 *     for await (const text of ws) app.broadcast(params.room, `${user.name}: ${text}`);
 *   });
 */
export interface WebSocketMethod<Self, A, RD> {
  <
    P extends string,
    Pa extends I = undefined,
    Q extends I = undefined,
    H extends I = undefined,
    C extends I = undefined,
    D extends DepsSpec | undefined = undefined,
    M extends I = undefined,
  >(
    path: P,
    options: WebSocketOptions<Pa, Q, H, C, CheckedDeps<D>, M>,
    handler: (
      ws: VialWebSocket<MessageOf<M>>,
      ctx: WebSocketContext<P, Pa, Q, H, C, D, A> & RD,
    ) => unknown,
  ): Self;
  <P extends string>(
    path: P,
    handler: (
      ws: VialWebSocket,
      ctx: WebSocketContext<P, None, None, None, None, None, A> & RD,
    ) => unknown,
  ): Self;
}

/** A WebSocket route handler, untyped. */
export type AnyWebSocketHandler = (ws: VialWebSocket<any>, ctx: any) => unknown;

/** A WebSocket route as registered; compiled with the HTTP routes' machinery. */
export interface WebSocketRecord extends RouteRecord {
  readonly socketHandler: AnyWebSocketHandler;
  readonly socketOptions: AnyWebSocketOptions;
}

export type AnyWebSocketOptions = WebSocketOptions<I, I, I, I, DepsSpec, I>;

export const WEBSOCKET_OPTIONS = new Set([
  "params",
  "query",
  "headers",
  "cookies",
  "deps",
  "message",
  "subprotocols",
  "name",
  ...Object.keys(DEFAULT_SETTINGS),
]);

const NOT_ON_WEBSOCKETS = ["body", "form", "files", "response", "status", "middleware"];

/**
 * Builds the record of `ws(path, [options,] handler)`. The handler the pipeline calls returns
 * the context: solving inputs and dependencies is the HTTP routes' code, and the WebSocket
 * handler runs once the handshake is accepted.
 */
export function webSocketRecord(
  fullPath: string,
  a: unknown,
  b: unknown,
  inherited: { deps: DepsSpec | undefined; tags: readonly string[] },
  check: (options: AnyRouteOptions, label: string, known: ReadonlySet<string>) => void,
): WebSocketRecord {
  const [options, handler] = (typeof a === "function" ? [{}, a] : [a ?? {}, b]) as [
    AnyWebSocketOptions,
    AnyWebSocketHandler,
  ];
  const label = `WEBSOCKET ${fullPath}`;
  if (typeof handler !== "function") {
    throw new ConfigurationError(
      `Route ${label}: the handler must be a function (ws, ctx) => { ... }.`,
    );
  }
  const misplaced = Object.keys(options).find((key) => NOT_ON_WEBSOCKETS.includes(key));
  if (misplaced) {
    throw new ConfigurationError(
      `Route ${label}: WebSocket routes take no \`${misplaced}\`; the handshake has no body and no response. Read messages with ws.receiveJson() and declare their schema as \`message\`.`,
    );
  }
  check(options as AnyRouteOptions, label, WEBSOCKET_OPTIONS);
  checkSettings(options, `Route ${label}`);
  if (
    options.subprotocols !== undefined &&
    (!Array.isArray(options.subprotocols) ||
      options.subprotocols.some((p) => typeof p !== "string" || p === ""))
  ) {
    throw new ConfigurationError(
      `Route ${label}: \`subprotocols\` must be a list of names, e.g. ["chat.v1"].`,
    );
  }
  messageChecker(options.message);
  const template = parsePath(fullPath);
  return {
    methods: ["WEBSOCKET"],
    path: fullPath,
    template,
    options: options as AnyRouteOptions,
    handler: returnContext,
    socketHandler: handler,
    socketOptions: options,
    groups: compileInputs(options as AnyRouteOptions, `Route ${label}`, template.keys),
    tags: [...inherited.tags],
    deps: [inherited.deps, options.deps].filter((d): d is DepsSpec => d !== undefined),
    middleware: [],
    responses: {},
    name: options.name ?? (handler.name || undefined),
  };
}

/** Fails on a setting out of range, naming where it was given and what it accepts. */
export function checkSettings(settings: WebSocketAppOptions, where: string): void {
  for (const key of ["maxPayload", "maxBufferedAmount"] as const) {
    const value = settings[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new ConfigurationError(`${where}: \`${key}\` must be a positive number of bytes.`);
    }
  }
  const ping = settings.pingInterval;
  if (ping !== undefined && !(Number.isInteger(ping) && ping >= 0)) {
    throw new ConfigurationError(
      `${where}: \`pingInterval\` must be a number of milliseconds (0 turns keep-alive off).`,
    );
  }
  const choices = {
    slowConsumer: ["close", "drop"],
    invalidMessage: ["close", "reply"],
    denial: ["http", "close"],
  } as const;
  for (const [key, allowed] of Object.entries(choices)) {
    const value = settings[key as keyof typeof choices];
    if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
      throw new ConfigurationError(
        `${where}: \`${key}\` is '${value}'; use ${allowed.map((a) => `'${a}'`).join(" or ")}.`,
      );
    }
  }
}

function returnContext(ctx: unknown): unknown {
  return ctx;
}
