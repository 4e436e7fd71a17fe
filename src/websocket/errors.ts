/**
 * The peer closed the connection (or it was lost): what `receive()` and `receiveJson()` throw
 * once nothing more can arrive, as Starlette's `WebSocketDisconnect`. A handler that lets it
 * propagate ends normally; it is never logged as a failure. `for await (const msg of ws)`
 * simply ends instead.
 *
 * @example
 * try {
 *   for (;;) ws.send(await ws.receive());
 * } catch (error) {
 *   if (error instanceof WebSocketDisconnect) console.log("left with", error.code);
 *   else throw error;
 * }
 */
export class WebSocketDisconnect extends Error {
  /** The close code: the peer's, 1005 when it gave none, 1006 when the connection was lost. */
  readonly code: number;
  readonly reason: string;

  constructor(code = 1000, reason = "") {
    super(`WebSocket closed with code ${code}${reason ? `: ${reason}` : ""}`);
    this.name = "WebSocketDisconnect";
    this.code = code;
    this.reason = reason;
  }
}

/**
 * Closes a WebSocket with a code and reason, FastAPI's `WebSocketException`. Thrown before the
 * connection is accepted (in a dependency), it refuses the handshake with 403 and
 * `{"detail": reason}`; thrown after, it closes the connection with `code` and `reason`.
 *
 * @example
 * const room = depends({ params: { room: z.string() } }, ({ params }) => {
 *   if (params.room === "staff") throw new WebSocketException(1008, "Members only");
 *   return params.room;
 * });
 */
export class WebSocketException extends Error {
  readonly code: number;
  readonly reason: string;

  constructor(code: number, reason = "") {
    if (!isSendableCode(code)) throw invalidCode(`new WebSocketException(${code})`);
    super(reason || `WebSocket closed with code ${code}`);
    this.name = "WebSocketException";
    this.code = code;
    this.reason = reason;
  }
}

/** Close codes an endpoint may send (RFC 6455 section 7.4): 1005, 1006 and 1015 are not. */
export function isSendableCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1003) ||
      (code >= 1007 && code <= 1014) ||
      (code >= 3000 && code <= 4999))
  );
}

export function invalidCode(call: string): RangeError {
  return new RangeError(
    `${call}: use 1000 (normal), 1001, 1003, 1007-1014, or an application code in 3000-4999.`,
  );
}
