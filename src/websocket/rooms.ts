import type { Logger } from "../logger.js";
import type { Peer } from "./peer.js";

/** A message on its way to a room: a string is sent as a text frame, bytes as a binary frame. */
export type RoomMessage = string | Uint8Array;

/**
 * Carries room messages between the processes of an app, so `app.broadcast` reaches members
 * connected to any of them. The app keeps which of its own connections are in which room; the
 * backplane only moves messages. Vial ships {@link MemoryBackplane} (one process); one on
 * Redis pub/sub or Postgres LISTEN/NOTIFY implements these five methods.
 *
 * A backplane that serializes messages must keep text and bytes apart (a string must arrive as
 * a string). Returned promises are awaited; failures are logged and never reach handlers.
 *
 * @example
 * class RedisBackplane implements Backplane {
 *   #deliver?: (room: string, message: RoomMessage) => void;
 *   start(deliver) { this.#deliver = deliver; sub.on("message", (ch, text) => deliver(ch, text)); }
 *   subscribe(room) { return sub.subscribe(room); }
 *   unsubscribe(room) { return sub.unsubscribe(room); }
 *   publish(room, message) { return pub.publish(room, message); }
 *   close() { return Promise.all([sub.quit(), pub.quit()]); }
 * }
 */
export interface Backplane {
  /** Called once, before anything else: `deliver` sends a message to this process's members. */
  start(deliver: (room: string, message: RoomMessage) => void): void | Promise<void>;
  /** This process has its first member in `room`: start receiving the room's messages. */
  subscribe(room: string): void | Promise<void>;
  /** This process's last member left `room`. */
  unsubscribe(room: string): void | Promise<void>;
  /** Sends `message` to the members of `room` in every process, this one included. */
  publish(room: string, message: RoomMessage): void | Promise<void>;
  /** The app is shutting down. */
  close(): void | Promise<void>;
}

/**
 * The backplane of a single process: `publish` delivers directly, nothing leaves the process.
 *
 * @example
 * const app = new App({ websocket: { backplane: new MemoryBackplane() } }); // the default
 */
export class MemoryBackplane implements Backplane {
  #deliver: ((room: string, message: RoomMessage) => void) | undefined;

  start(deliver: (room: string, message: RoomMessage) => void): void {
    this.#deliver = deliver;
  }
  subscribe(): void {}
  unsubscribe(): void {}
  publish(room: string, message: RoomMessage): void {
    this.#deliver?.(room, message);
  }
  close(): void {}
}

/** This process's room memberships, and delivery of room messages to them. */
export class Rooms {
  readonly #members = new Map<string, Set<Peer>>();
  readonly #backplane: Backplane;
  readonly #logger: Logger;
  #started: Promise<void> | undefined;

  constructor(backplane: Backplane, logger: Logger) {
    this.#backplane = backplane;
    this.#logger = logger;
  }

  join(peer: Peer, room: string): void {
    if (typeof room !== "string" || room === "") {
      throw new TypeError(`ws.join(room): the room must be a non-empty string, got ${room}`);
    }
    let members = this.#members.get(room);
    if (members === undefined) {
      members = new Set();
      this.#members.set(room, members);
      this.#call("subscribe", room, () => this.#backplane.subscribe(room));
    }
    members.add(peer);
    peer.rooms ??= new Set();
    peer.rooms.add(room);
  }

  leave(peer: Peer, room: string): void {
    peer.rooms?.delete(room);
    const members = this.#members.get(room);
    if (!members?.delete(peer) || members.size > 0) return;
    this.#members.delete(room);
    this.#call("unsubscribe", room, () => this.#backplane.unsubscribe(room));
  }

  leaveAll(peer: Peer): void {
    if (!peer.rooms) return;
    for (const room of [...peer.rooms]) this.leave(peer, room);
  }

  /** Members of `room` in this process. */
  size(room: string): number {
    return this.#members.get(room)?.size ?? 0;
  }

  /** Publishes through the backplane; never rejects (a failure is logged). */
  async publish(room: string, message: RoomMessage): Promise<void> {
    await this.#start();
    await this.#call("publish", room, () => this.#backplane.publish(room, message));
  }

  /** Sends a message to this process's members of `room`, encoding it once for all of them. */
  deliver(room: string, message: RoomMessage): void {
    const members = this.#members.get(room);
    if (!members) return;
    const binary = typeof message !== "string";
    const payload =
      typeof message === "string"
        ? Buffer.from(message, "utf8")
        : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    for (const peer of members) peer.deliver(payload, binary);
  }

  async close(): Promise<void> {
    const started = this.#started;
    if (!started) return;
    await started;
    this.#started = undefined;
    this.#members.clear();
    try {
      await this.#backplane.close();
    } catch (error) {
      this.#logger.error({ err: error }, "WebSocket backplane: close failed");
    }
  }

  #start(): Promise<void> {
    this.#started ??= this.#call("start", "", () =>
      this.#backplane.start((room, message) => this.deliver(room, message)),
    );
    return this.#started;
  }

  async #call(action: string, room: string, run: () => void | Promise<void>): Promise<void> {
    try {
      if (action !== "start") await this.#start();
      await run();
    } catch (error) {
      this.#logger.error({ err: error, room }, `WebSocket backplane: ${action} failed`);
    }
  }
}
