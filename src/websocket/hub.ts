import type { Logger } from "../logger.js";
import type { Peer } from "./peer.js";
import { MemoryBackplane, type RoomMessage, Rooms } from "./rooms.js";
import type { WebSocketAppOptions } from "./route.js";

/** Default milliseconds between keep-alive pings. */
export const DEFAULT_PING_INTERVAL = 30_000;

/**
 * An app's open WebSocket connections: rooms, keep-alive and shutdown. One heartbeat timer
 * serves every connection (not one per connection), and runs only while some are open.
 */
export class WebSocketHub {
  readonly rooms: Rooms;
  readonly #peers = new Set<Peer>();
  /** Handlers still running, by connection; shutdown waits for them. */
  readonly #sessions = new Map<Peer, Promise<void>>();
  readonly #pingInterval: number;
  #timer: NodeJS.Timeout | undefined = undefined;

  constructor(logger: Logger, options: WebSocketAppOptions = {}) {
    this.rooms = new Rooms(options.backplane ?? new MemoryBackplane(), logger);
    this.#pingInterval = options.pingInterval ?? DEFAULT_PING_INTERVAL;
  }

  /** Open connections. */
  get size(): number {
    return this.#peers.size;
  }

  add(peer: Peer): void {
    this.#peers.add(peer);
    if (this.#timer === undefined && this.#pingInterval > 0) {
      this.#timer = setInterval(() => {
        for (const each of this.#peers) each.heartbeat();
      }, this.#pingInterval);
      this.#timer.unref();
    }
  }

  /** Keeps a running handler in view until it returns (and calls `untrack`). */
  track(peer: Peer, session: Promise<void>): void {
    this.#sessions.set(peer, session);
  }

  untrack(peer: Peer): void {
    this.#sessions.delete(peer);
  }

  /** Waits (at most `timeoutMs`) for the handlers of connections already closed to return. */
  async idle(timeoutMs: number): Promise<void> {
    const ending = [...this.#sessions].filter(([peer]) => !peer.open).map(([, s]) => s);
    if (ending.length > 0) await within(Promise.all(ending), timeoutMs);
  }

  /** Called when a connection has closed: it leaves its rooms. */
  remove(peer: Peer): void {
    this.rooms.leaveAll(peer);
    this.#peers.delete(peer);
    if (this.#peers.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Sends to every member of `room` (through the backplane); objects are sent as JSON. */
  broadcast(room: string, data: unknown): Promise<void> {
    return this.rooms.publish(room, encode(data));
  }

  /**
   * Closes every connection with 1001 (Going Away) and waits for them to close and for their
   * handlers to return, at most `timeoutMs`; connections still open then are cut.
   */
  async close(timeoutMs: number): Promise<void> {
    const peers = [...this.#peers];
    for (const peer of peers) void peer.close(1001, "Server shutting down");
    await within(
      Promise.all([...peers.map((p) => p.closed), ...this.#sessions.values()]),
      timeoutMs,
    );
    const stuck = [...this.#peers];
    for (const peer of stuck) peer.raw.terminate();
    await Promise.all(stuck.map((p) => p.closed));
    await this.rooms.close();
  }
}

async function within(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([work, timeout]);
  clearTimeout(timer);
}

function encode(data: unknown): RoomMessage {
  if (typeof data === "string" || data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  const text = JSON.stringify(data);
  if (text === undefined) {
    throw new TypeError(
      `app.broadcast(): a ${typeof data} cannot be sent; send text, bytes or JSON`,
    );
  }
  return text;
}
