import { type IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { WebSocket as RawWebSocket } from "ws";
import { Context } from "../context.js";
import { throwIntoGenerators } from "../di/solve.js";
import type { DispatchTarget } from "../dispatch.js";
import { HTTPException, RequestValidationError } from "../errors.js";
import { Exchange } from "../exchange.js";
import { finish, runChecked } from "../pipeline.js";
import { JSONResponse, VialResponse } from "../response/responses.js";
import { write } from "../response/send.js";
import { type CompiledWebSocket, HANDSHAKE_HEADERS } from "./compile.js";
import { VialWebSocket } from "./connection.js";
import { WebSocketDisconnect, WebSocketException } from "./errors.js";
import type { WebSocketHub } from "./hub.js";
import { closeReason } from "./message.js";
import { Peer } from "./peer.js";

/** Where an upgrade request is: the app's runtime and hub, the request and its socket. */
export interface Upgrade {
  readonly app: DispatchTarget;
  readonly hub: WebSocketHub;
  readonly req: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
}

/**
 * Opens a WebSocket on a matched route. Inputs and dependencies are solved by the HTTP
 * pipeline (`run`) before the handshake is accepted, so a failure can still be answered over
 * HTTP; then the handshake completes and the handler runs until the connection ends. What the
 * handler added to `ctx.background`, and generator dependencies' tear-downs, run afterwards.
 */
export async function openWebSocket(
  up: Upgrade,
  entry: CompiledWebSocket,
  params: Record<string, string | undefined>,
  path: string,
  search: string,
): Promise<void> {
  const x = new Exchange(
    up.app,
    up.req,
    new ServerResponse(up.req),
    entry.route,
    params,
    path,
    search,
  );
  x.ctx = new Context(x);
  try {
    if (x.app.preload) await x.app.preload(x); // a server-side session
    await runChecked(x, entry.route);
    await keepSession(x);
  } catch (error) {
    await deny(up, entry, x, error);
    return;
  }
  const raw = accept(up, entry, x);
  if (!raw) {
    await throwIntoGenerators(x, new WebSocketDisconnect(1006, "Gone before the handshake"));
    x.backgroundTasks?.drop(
      x.app.logger,
      x.requestId,
      "the client left before the handshake",
      "The handler never ran.",
    );
    return;
  }
  const peer = new Peer(raw, entry.limits, up.hub);
  up.hub.add(peer);
  const ws = new VialWebSocket(peer, up.hub.rooms, entry.connection);
  up.hub.track(peer, converse(x, entry, ws, peer, up.hub));
}

/** Runs the handler; an error closes the connection with a code saying what went wrong. */
async function converse(
  x: Exchange,
  entry: CompiledWebSocket,
  ws: VialWebSocket,
  peer: Peer,
  hub: WebSocketHub,
): Promise<void> {
  try {
    await entry.handler(ws, x.ctx);
  } catch (error) {
    if (!(error instanceof WebSocketDisconnect)) {
      const answered = await throwIntoGenerators(x, error);
      x.backgroundTasks?.drop(
        x.app.logger,
        x.requestId,
        "the WebSocket handler failed",
        "Catch the error in the handler to keep them.",
      );
      const { code, reason } = closeFor(x, entry, answered);
      void peer.close(code, reason);
    }
  }
  if (peer.open) void peer.close(1000, "");
  hub.untrack(peer);
  finish(x);
}

/**
 * Saves what the handshake changed in the session (a login in a dependency, say): its cookie
 * goes out with the 101 answer. Changes made later in the conversation are not saved, since
 * no HTTP response follows.
 */
async function keepSession(x: Exchange): Promise<void> {
  if (x.session === undefined) return;
  const collected = new VialResponse();
  await x.app.web.sessions!.commit(x, collected);
  for (const line of collected.headers.getSetCookie())
    x.response.headers.append("set-cookie", line);
}

/** Completes the handshake; `undefined` when the client is already gone. */
function accept(up: Upgrade, entry: CompiledWebSocket, x: Exchange): RawWebSocket | undefined {
  const state = x.responseState;
  if (state) (up.req as unknown as Record<symbol, unknown>)[HANDSHAKE_HEADERS] = state.headers;
  let accepted: RawWebSocket | undefined;
  entry.server.handleUpgrade(up.req, up.socket, up.head, (raw) => {
    accepted = raw;
  });
  accepted?.on("error", (error) => {
    x.app.logger.info(
      { err: error, requestId: x.requestId, route: entry.route.label },
      `WebSocket protocol error: ${error.message}`,
    );
  });
  return accepted;
}

/**
 * A validation or auth failure before the handshake. `denial: "http"` answers it as an HTTP
 * route would (the exception handlers apply; a `WebSocketException` is a 403); `"close"`
 * accepts the handshake, then closes with 1008 and the error as reason.
 */
async function deny(up: Upgrade, entry: CompiledWebSocket, x: Exchange, error: unknown) {
  const answered = await throwIntoGenerators(x, error);
  x.backgroundTasks?.drop(
    x.app.logger,
    x.requestId,
    "the WebSocket was refused",
    "The handler never ran.",
  );
  if (entry.settings.denial === "close") {
    const raw = accept(up, entry, x);
    const { code, reason } = closeFor(x, entry, answered);
    raw?.close(code, reason);
    return;
  }
  let response: VialResponse;
  try {
    response = await x.app.handleError(x, answered);
  } catch (unhandled) {
    response =
      unhandled instanceof WebSocketException
        ? new JSONResponse({ detail: unhandled.reason || "Forbidden" }, { status: 403 })
        : await x.app.handleUnhandled(x, unhandled);
  }
  await answerOverSocket(x, up.socket, response);
}

/** Writes an HTTP response on an upgrade's socket, then closes it. */
export async function answerOverSocket(
  x: Exchange,
  socket: Duplex,
  response: VialResponse,
): Promise<void> {
  const res = x.res;
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once("finish", () => {
    res.detachSocket(socket as Socket);
    (socket as Socket).destroySoon();
  });
  try {
    await write(x, response);
  } catch {
    socket.destroy();
  }
}

/** The close code and reason for an error; anything unexpected is logged and is a 1011. */
function closeFor(
  x: Exchange,
  entry: CompiledWebSocket,
  error: unknown,
): { code: number; reason: string } {
  if (error instanceof WebSocketException) {
    return { code: error.code, reason: closeReason(error.reason) };
  }
  if (error instanceof HTTPException) {
    const detail = typeof error.detail === "string" ? error.detail : JSON.stringify(error.detail);
    return { code: 1008, reason: closeReason(detail) };
  }
  if (error instanceof RequestValidationError) {
    const first = error.errors[0];
    const reason = first ? `Invalid ${first.loc.join(".")}: ${first.msg}` : error.message;
    return { code: 1008, reason: closeReason(reason) };
  }
  x.app.logger.error(
    { err: error, requestId: x.requestId, route: entry.route.label },
    `Unhandled error in the WebSocket handler of ${entry.route.label}`,
  );
  return { code: 1011, reason: "Internal Server Error" };
}
