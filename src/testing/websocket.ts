import type { IncomingMessage } from "node:http";
import { WebSocket } from "ws";
import { WebSocketDisconnect } from "../websocket/errors.js";
import { TestResponse } from "./response.js";

type Scalar = string | number | boolean;

export interface WebSocketConnectOptions {
  /** Handshake headers (`Authorization`, ...), on top of the client's own. */
  headers?: Record<string, string>;
  /** Query parameters; arrays repeat the key. */
  query?: Record<string, Scalar | Scalar[] | undefined>;
  /** Cookies for this connection, on top of the client's jar. */
  cookies?: Record<string, string>;
  /** Subprotocols to offer, in order of preference. */
  subprotocols?: string[];
}

/**
 * The server refused the handshake: `response` is its HTTP answer (404 for an unknown path,
 * 401/403/422 for an auth or validation failure).
 */
export class WebSocketRejected extends Error {
  readonly response: TestResponse;

  constructor(response: TestResponse) {
    super(`WebSocket handshake refused with ${response.status}: ${response.text().slice(0, 200)}`);
    this.name = "WebSocketRejected";
    this.response = response;
  }
}

type Received = string | Buffer;

/**
 * A WebSocket connected to the app under test, from `client.websocket(path)`. Messages are
 * queued as they arrive; `receive()` takes the next one and throws `WebSocketDisconnect` (with
 * the close code) once the server has closed and every message was read.
 *
 * @example
 * const ws = await client.websocket("/ws");
 * await ws.send("hi");
 * expect(await ws.receive()).toBe("Message received: hi");
 * await ws.close();
 */
export class TestWebSocket {
  /** The `ws` client socket, for frames the helpers do not send (e.g. invalid UTF-8). */
  readonly raw: WebSocket;
  /** Headers of the `101 Switching Protocols` answer. */
  readonly headers: Headers;
  /** Resolves with the close code and reason once the connection is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  #queue: Received[] = [];
  #waiters: ((message: Received | undefined) => void)[] = [];
  #closedWith: { code: number; reason: string } | undefined = undefined;

  private constructor(raw: WebSocket, headers: Headers) {
    this.raw = raw;
    this.headers = headers;
    raw.on("message", (data, isBinary) => {
      const message = isBinary ? (data as Buffer) : (data as Buffer).toString("utf8");
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#queue.push(message);
    });
    this.closed = new Promise((resolve) => {
      raw.once("close", (code, reason) => {
        this.#closedWith = { code, reason: reason.toString("utf8") };
        for (const waiter of this.#waiters.splice(0)) waiter(undefined);
        resolve(this.#closedWith);
      });
    });
  }

  /** Connects; rejects with {@link WebSocketRejected} when the server answers the handshake. */
  static connect(
    url: string,
    headers: Record<string, string>,
    protocols: string[] = [],
  ): Promise<TestWebSocket> {
    return new Promise((resolve, reject) => {
      const raw = new WebSocket(url, protocols, { headers, maxPayload: 256 * 1024 * 1024 });
      let upgraded = new Headers();
      raw.once("upgrade", (res) => {
        upgraded = headersOf(res);
      });
      raw.once("open", () => {
        raw.off("error", reject);
        resolve(new TestWebSocket(raw, upgraded));
      });
      raw.once("unexpected-response", (_req, res) => {
        raw.off("error", reject);
        readResponse(res, url).then((response) => reject(new WebSocketRejected(response)), reject);
      });
      raw.once("error", reject);
    });
  }

  /** The subprotocol the server chose (`""` when none). */
  get protocol(): string {
    return this.raw.protocol;
  }

  /** Sends a string as text, bytes as binary, anything else as JSON text. */
  send(data: unknown): Promise<void> {
    if (typeof data === "string" || data instanceof Uint8Array) return this.#send(data);
    return this.sendJson(data);
  }

  sendJson(value: unknown): Promise<void> {
    return this.#send(JSON.stringify(value));
  }

  /** The next message: a string for text, a `Buffer` for binary. */
  async receive(): Promise<Received> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return queued;
    if (this.#closedWith) throw this.#disconnect();
    const message = await new Promise<Received | undefined>((resolve) =>
      this.#waiters.push(resolve),
    );
    if (message === undefined) throw this.#disconnect();
    return message;
  }

  /** The next message parsed as JSON. */
  async receiveJson<T = any>(): Promise<T> {
    const message = await this.receive();
    return JSON.parse(typeof message === "string" ? message : message.toString("utf8")) as T;
  }

  /** Closes (1000 by default) and resolves with the code and reason once closed. */
  close(code = 1000, reason = ""): Promise<{ code: number; reason: string }> {
    if (this.raw.readyState < WebSocket.CLOSING) this.raw.close(code, reason);
    return this.closed;
  }

  #send(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.raw.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  #disconnect(): WebSocketDisconnect {
    const { code, reason } = this.#closedWith ?? { code: 1006, reason: "" };
    return new WebSocketDisconnect(code, reason);
  }
}

function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  }
  return headers;
}

async function readResponse(res: IncomingMessage, url: string): Promise<TestResponse> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const pairs: [string, string][] = [];
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    pairs.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
  }
  return new TestResponse(res.statusCode ?? 0, pairs, Buffer.concat(chunks), url, []);
}
