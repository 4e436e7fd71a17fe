import type { WebSocket as RawWebSocket } from "ws";
import type { Infer } from "../types.js";
import type { InputSchema } from "../validation/schema.js";
import { invalidCode, isSendableCode, WebSocketDisconnect } from "./errors.js";
import { type CheckMessage, closeReason, invalidReason, messageChecker } from "./message.js";
import type { Incoming, Peer } from "./peer.js";
import type { Rooms } from "./rooms.js";

/** What happens to a JSON message that does not parse or validate. */
export type InvalidMessagePolicy = "close" | "reply";

/** What a connection needs from its route. */
export interface ConnectionOptions {
  readonly check: CheckMessage;
  readonly invalidMessage: InvalidMessagePolicy;
}

/**
 * One WebSocket connection, as a handler gets it: read messages with `for await`, `receive()`
 * or `receiveJson()`, send text, bytes or JSON, join rooms, close. `M` is the type of JSON
 * messages when the route declares a `message` schema.
 *
 * Sends never throw or reject: like a browser's `WebSocket.send`, a message sent after the
 * connection closed is dropped (check `ws.closed`, or await `ws.done`).
 *
 * @example
 * app.ws("/ws", async (ws) => {
 *   for await (const data of ws) ws.send(`Message received: ${data}`);
 * });
 */
export class VialWebSocket<M = unknown> implements AsyncIterable<Incoming> {
  readonly #peer: Peer;
  readonly #rooms: Rooms;
  readonly #options: ConnectionOptions;

  constructor(peer: Peer, rooms: Rooms, options: ConnectionOptions) {
    this.#peer = peer;
    this.#rooms = rooms;
    this.#options = options;
  }

  /** The underlying `ws` socket, for what Vial does not wrap. */
  get raw(): RawWebSocket {
    return this.#peer.raw;
  }

  /** The subprotocol agreed on in the handshake (`""` when none). */
  get protocol(): string {
    return this.#peer.raw.protocol;
  }

  /** Whether the connection is closed or closing: sends are dropped from then on. */
  get closed(): boolean {
    return !this.#peer.open;
  }

  /** Resolves with the close code and reason once the connection is closed. */
  get done(): Promise<{ code: number; reason: string }> {
    return this.#peer.closed.then(() => this.#peer.closedWith!);
  }

  /** Bytes queued for sending and not yet handed to the OS. */
  get bufferedAmount(): number {
    return this.#peer.raw.bufferedAmount;
  }

  /** Rooms this connection is in. */
  get rooms(): ReadonlySet<string> {
    return this.#peer.rooms ?? new Set();
  }

  /**
   * Sends a message: a string as a text frame, bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`)
   * as a binary frame, anything else JSON-encoded as text. Resolves at once while little is
   * waiting to be sent (under 64 KiB), else once this frame has gone out: await it to pace a
   * fast producer to the client.
   */
  send(data: unknown): Promise<void> {
    if (typeof data === "string") return this.#frame(data, false);
    if (data instanceof Uint8Array) return this.#frame(asBuffer(data), true);
    if (data instanceof ArrayBuffer) return this.#frame(Buffer.from(data), true);
    return this.sendJson(data);
  }

  /** Sends a value as JSON text, strings included (`"hi"` is sent as `"\"hi\""`). */
  sendJson(value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined) {
      throw new TypeError(`ws.sendJson(): a ${typeof value} cannot be encoded as JSON`);
    }
    return this.#frame(text, false);
  }

  /**
   * The next message: a string for a text frame, a `Buffer` for a binary one. Throws
   * {@link WebSocketDisconnect} once the connection is closed and every message was read.
   */
  async receive(): Promise<Incoming> {
    const step = await this.#peer.next();
    if (step.done) throw this.#disconnect();
    return step.value;
  }

  /**
   * The next message parsed as JSON and validated by `schema`, or by the route's `message`
   * schema when none is given. An invalid message closes the connection with 1007 (then this
   * throws {@link WebSocketDisconnect}), or, with `invalidMessage: "reply"`, is answered with
   * `{"detail": [...]}` (the 422 format, `loc` starting at `"message"`) and the next one is read.
   */
  receiveJson(): Promise<M>;
  receiveJson<S extends InputSchema>(schema: S): Promise<Infer<S>>;
  async receiveJson(schema?: InputSchema): Promise<unknown> {
    const check = schema === undefined ? this.#options.check : messageChecker(schema);
    for (;;) {
      const message = await this.receive();
      const text = typeof message === "string" ? message : message.toString("utf8");
      const result = await check(text);
      if (result.ok) return result.value;
      if (this.#options.invalidMessage === "reply") {
        await this.sendJson({ detail: result.errors });
        continue;
      }
      await this.close(1007, invalidReason(result.errors));
      throw this.#disconnect();
    }
  }

  /** Iterates over JSON messages as `receiveJson()` reads them, until the connection closes. */
  iterJson(): AsyncIterable<M>;
  iterJson<S extends InputSchema>(schema: S): AsyncIterable<Infer<S>>;
  async *iterJson(schema?: InputSchema): AsyncIterable<unknown> {
    for (;;) {
      try {
        yield await (schema === undefined ? this.receiveJson() : this.receiveJson(schema));
      } catch (error) {
        if (error instanceof WebSocketDisconnect) return;
        throw error;
      }
    }
  }

  /** Iterates over messages (strings and `Buffer`s) until the connection closes. */
  [Symbol.asyncIterator](): AsyncIterator<Incoming> {
    // A plain iterator rather than an async generator: one promise per message, not three.
    const peer = this.#peer;
    return {
      next: () => peer.next(),
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
  }

  /**
   * Closes the connection (1000 by default) and resolves once it is closed. The reason is cut
   * to the 123 bytes a close frame can carry.
   */
  close(code = 1000, reason = ""): Promise<void> {
    if (!isSendableCode(code)) throw invalidCode(`ws.close(${code})`);
    return this.#peer.close(code, closeReason(reason));
  }

  /**
   * Joins a room: `app.broadcast(room, data)` then reaches this connection. A connection leaves
   * its rooms when it closes.
   */
  join(room: string): void {
    this.#rooms.join(this.#peer, room);
  }

  leave(room: string): void {
    this.#rooms.leave(this.#peer, room);
  }

  #frame(payload: string | Buffer, binary: boolean): Promise<void> {
    return this.#peer.send(payload, binary);
  }

  #disconnect(): WebSocketDisconnect {
    const closed = this.#peer.closedWith ?? { code: 1006, reason: "" };
    return new WebSocketDisconnect(closed.code, closed.reason);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
