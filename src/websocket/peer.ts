import type { WebSocket as RawWebSocket } from "ws";

/** A message as received: text frames as strings, binary frames as bytes. */
export type Incoming = string | Buffer;

/** What `take()` gives once the connection is closed and every queued message was read. */
export const END: unique symbol = Symbol("vial.websocket.end");

/** How a peer treats its buffers; resolved from the app's and the route's settings. */
export interface PeerLimits {
  /** Bytes queued for sending above which the policy applies. */
  readonly maxBufferedAmount: number;
  /** `close`: close with 1013 (Try Again Later); `drop`: drop the message. */
  readonly slowConsumer: "close" | "drop";
  /** Bytes received and not yet read above which reading from the socket pauses. */
  readonly highWaterMark: number;
}

const OPEN = 1;

/**
 * The server side of one connection, as the framework handles it: the `ws` socket, the queue of
 * messages the handler has not read yet, the send-buffer bound and the heartbeat state. The
 * public wrapper (`VialWebSocket`), the rooms and the hub all work through it.
 *
 * Memory is bounded both ways: reading from the socket pauses while more than `highWaterMark`
 * bytes wait to be read (TCP then slows the client down), and sending stops at
 * `maxBufferedAmount` (a slow consumer is closed with 1013, or its messages dropped).
 */
export class Peer {
  readonly raw: RawWebSocket;
  readonly limits: PeerLimits;
  /** Rooms joined, for leaving them all on close. */
  rooms: Set<string> | undefined = undefined;
  /** Set by a pong or a message; the heartbeat clears it and pings. */
  alive = true;
  /** The close code and reason once the connection is closed. */
  closedWith: { code: number; reason: string } | undefined = undefined;
  /** Resolves once the connection is closed. */
  readonly closed: Promise<void>;
  #queue: Incoming[] = [];
  #queuedBytes = 0;
  #waiters: ((message: Incoming | typeof END) => void)[] = [];

  constructor(raw: RawWebSocket, limits: PeerLimits, onClose: (peer: Peer) => void) {
    this.raw = raw;
    this.limits = limits;
    raw.on("message", (data, isBinary) => this.#receive(data as Buffer, isBinary));
    raw.on("pong", () => {
      this.alive = true;
    });
    let resolveClosed: () => void;
    this.closed = new Promise((resolve) => {
      resolveClosed = resolve;
    });
    raw.once("close", (code, reason) => {
      this.closedWith = { code, reason: reason.toString("utf8") };
      for (const waiter of this.#waiters.splice(0)) waiter(END);
      onClose(this);
      resolveClosed();
    });
  }

  get open(): boolean {
    return this.raw.readyState === OPEN;
  }

  /** Whether reading is paused because the handler is behind (the heartbeat spares it). */
  get paused(): boolean {
    return this.raw.isPaused;
  }

  /** The next message, or `END` once closed and drained. Waiters are served in order. */
  take(): Promise<Incoming | typeof END> {
    const message = this.#queue.shift();
    if (message !== undefined) {
      this.#queuedBytes -= message.length;
      if (this.raw.isPaused && this.#queuedBytes <= this.limits.highWaterMark) this.raw.resume();
      return Promise.resolve(message);
    }
    if (this.closedWith) return Promise.resolve(END);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Sends one frame unless the connection is closing or the peer is too slow; `done` runs once
   * the frame is handed to the OS (or was not sent). Returns whether it was sent.
   */
  sendFrame(payload: string | Buffer, binary: boolean, done?: () => void): boolean {
    const raw = this.raw;
    if (raw.readyState !== OPEN || !this.#roomFor()) {
      done?.();
      return false;
    }
    raw.send(payload, { binary }, done);
    return true;
  }

  /** Starts the closing handshake; resolves once closed (`ws` cuts a silent peer after a while). */
  close(code: number, reason: string): Promise<void> {
    if (this.raw.readyState < 2) this.raw.close(code, reason);
    return this.closed;
  }

  /** Called by the heartbeat: cut a peer that did not answer the last ping, else ping again. */
  heartbeat(): void {
    if (!this.alive && !this.paused) {
      this.raw.terminate();
      return;
    }
    this.alive = false;
    if (this.raw.readyState === OPEN) this.raw.ping();
  }

  #receive(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    const message: Incoming = isBinary ? data : data.toString("utf8");
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter(message);
      return;
    }
    this.#queue.push(message);
    this.#queuedBytes += message.length;
    if (this.#queuedBytes > this.limits.highWaterMark) this.raw.pause();
  }

  /** Whether a frame may be queued now; applies the slow-consumer policy when not. */
  #roomFor(): boolean {
    const { maxBufferedAmount, slowConsumer } = this.limits;
    if (this.raw.bufferedAmount <= maxBufferedAmount) return true;
    if (slowConsumer === "close") {
      this.raw.close(1013, "Slow consumer: too much data waiting to be sent");
    }
    return false;
  }
}
