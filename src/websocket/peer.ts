import type { RawData, WebSocket as RawWebSocket } from "ws";

/** A message as received: text frames as strings, binary frames as bytes. */
export type Incoming = string | Buffer;

/** How a peer treats its buffers; resolved from the app's and the route's settings. */
export interface PeerLimits {
  /** Bytes queued for sending above which the policy applies. */
  readonly maxBufferedAmount: number;
  /** `close`: close with 1013 (Try Again Later); `drop`: drop the message. */
  readonly slowConsumer: "close" | "drop";
  /** Bytes received and not yet read above which reading from the socket pauses. */
  readonly highWaterMark: number;
}

/** Who is told when a peer's connection has closed (the app's hub). */
export interface PeerOwner {
  remove(peer: Peer): void;
}

const OPEN = 1;
/** Bytes waiting to be sent above which `send()` waits for its frame to go out. */
const PACE = 64 * 1024;
const TEXT = { binary: false };
const BINARY = { binary: true };
const DONE: Promise<void> = Promise.resolve();
const END: IteratorResult<Incoming> = Object.freeze({ done: true, value: undefined });
const PEER = Symbol("vial.peer");

// One set of listener functions for every connection (not three closures each): `this` is the
// `ws` socket, which knows its peer. Memory per idle connection is a benchmarked figure.
function onMessage(this: RawWebSocket, data: RawData, isBinary: boolean): void {
  peerOf(this).receive(data as Buffer, isBinary);
}
function onPong(this: RawWebSocket): void {
  peerOf(this).alive = true;
}
function onClose(this: RawWebSocket, code: number, reason: Buffer): void {
  peerOf(this).ended(code, reason.toString("utf8"));
}
function peerOf(raw: RawWebSocket): Peer {
  return (raw as unknown as Record<symbol, Peer>)[PEER]!;
}

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
  readonly #owner: PeerOwner;
  #queue: Incoming[] | undefined = undefined;
  #queuedBytes = 0;
  #waiters: ((step: IteratorResult<Incoming>) => void)[] | undefined = undefined;
  #closeWaiters: (() => void)[] | undefined = undefined;

  constructor(raw: RawWebSocket, limits: PeerLimits, owner: PeerOwner) {
    this.raw = raw;
    this.limits = limits;
    this.#owner = owner;
    (raw as unknown as Record<symbol, Peer>)[PEER] = this;
    raw.on("message", onMessage);
    raw.on("pong", onPong);
    raw.once("close", onClose);
  }

  get open(): boolean {
    return this.raw.readyState === OPEN;
  }

  /** Whether reading is paused because the handler is behind (the heartbeat spares it). */
  get paused(): boolean {
    return this.raw.isPaused;
  }

  /** Resolves once the connection is closed. */
  get closed(): Promise<void> {
    if (this.closedWith) return DONE;
    return new Promise((resolve) => {
      this.#closeWaiters ??= [];
      this.#closeWaiters.push(resolve);
    });
  }

  /** The next message as an iterator step, `done` once closed and every message was read. */
  next(): Promise<IteratorResult<Incoming>> {
    const message = this.#queue?.shift();
    if (message !== undefined) {
      this.#queuedBytes -= message.length;
      if (this.raw.isPaused && this.#queuedBytes <= this.limits.highWaterMark) this.raw.resume();
      return Promise.resolve({ done: false, value: message });
    }
    if (this.closedWith) return Promise.resolve(END);
    return new Promise((resolve) => {
      this.#waiters ??= [];
      this.#waiters.push(resolve);
    });
  }

  /**
   * Sends one frame unless the connection is closing or the peer is too slow. Resolves at once
   * while little waits to be sent, else once this frame has gone out. Never rejects.
   */
  send(payload: string | Buffer, binary: boolean): Promise<void> {
    const raw = this.raw;
    if (raw.readyState !== OPEN) return DONE;
    const buffered = raw.bufferedAmount;
    if (buffered > this.limits.maxBufferedAmount) {
      this.#tooSlow();
      return DONE;
    }
    if (buffered < PACE) {
      raw.send(payload, binary ? BINARY : TEXT);
      return DONE;
    }
    return new Promise((resolve) => raw.send(payload, binary ? BINARY : TEXT, () => resolve()));
  }

  /** `send` for broadcasts: no promise. */
  deliver(payload: Buffer, binary: boolean): void {
    const raw = this.raw;
    if (raw.readyState !== OPEN) return;
    if (raw.bufferedAmount > this.limits.maxBufferedAmount) this.#tooSlow();
    else raw.send(payload, binary ? BINARY : TEXT);
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

  receive(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    const message: Incoming = isBinary ? data : data.toString("utf8");
    const waiter = this.#waiters?.shift();
    if (waiter) {
      waiter({ done: false, value: message });
      return;
    }
    this.#queue ??= [];
    this.#queue.push(message);
    this.#queuedBytes += message.length;
    if (this.#queuedBytes > this.limits.highWaterMark) this.raw.pause();
  }

  ended(code: number, reason: string): void {
    this.closedWith = { code, reason };
    for (const waiter of this.#waiters?.splice(0) ?? []) waiter(END);
    this.#owner.remove(this);
    for (const resolve of this.#closeWaiters?.splice(0) ?? []) resolve();
  }

  #tooSlow(): void {
    if (this.limits.slowConsumer === "close") {
      this.raw.close(1013, "Slow consumer: too much data waiting to be sent");
    }
  }
}
