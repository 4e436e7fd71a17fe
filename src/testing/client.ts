import { randomBytes } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import { inject } from "light-my-request";
import type { App } from "../app.js";
import { SERVER_ERROR } from "../exception-handlers.js";
import { AFTER_WORK } from "../pipeline.js";
import { serverUrl } from "../server.js";
import { CookieJar } from "./cookie-jar.js";
import { TestResponse } from "./response.js";
import { TestWebSocket, type WebSocketConnectOptions } from "./websocket.js";

type Scalar = string | number | boolean;

/** A file to upload: its name, content and media type (default `application/octet-stream`). */
export interface UploadSpec {
  filename: string;
  content: string | Uint8Array;
  type?: string;
}

export interface RequestOptions {
  /** Query parameters; arrays repeat the key. Added to any query already in the path. */
  query?: Record<string, Scalar | Scalar[] | undefined>;
  headers?: Record<string, string>;
  /** Cookies for this request only, on top of the client's jar. */
  cookies?: Record<string, string>;
  /** A JSON body, sent with `Content-Type: application/json`. */
  json?: unknown;
  /** An urlencoded form body; with `files`, the text fields of a multipart body. */
  form?: Record<string, Scalar | Scalar[]>;
  /** Files to upload as `multipart/form-data` (with `form`'s fields); a list repeats the field. */
  files?: Record<string, UploadSpec | UploadSpec[]>;
  /** A raw body, sent as is: no content type is added. */
  body?: string | Uint8Array;
  /** Overrides the client's `followRedirects` for this request. */
  followRedirects?: boolean;
}

export interface TestClientOptions {
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Follow redirects (default true), as a browser would. */
  followRedirects?: boolean;
  /**
   * Rethrow an unhandled server error in the test instead of returning its 500 response
   * (default false). Only with the in-process transport.
   */
  raiseServerExceptions?: boolean;
  /**
   * `"inject"` (default): in process, no socket, through the same compiled routes.
   * `"http"`: against a real server the client starts on 127.0.0.1 and a free port.
   */
  transport?: "inject" | "http";
}

interface Wire {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

interface Received {
  status: number;
  headers: [string, string][];
  body: Buffer;
  error?: unknown;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

/**
 * Calls an app as a client would, for tests: Starlette's `TestClient`. Cookies persist across
 * requests; redirects are followed; background tasks and dependency tear-downs have finished by
 * the time a response is returned.
 *
 * @example
 * const client = new TestClient(app);
 * const res = await client.post("/users/", { json: { username: "ann", email: "a@b.co", age: 3 } });
 * expect(res.status).toBe(201);
 * expect(res.json()).toEqual({ username: "ann", email: "a@b.co" });
 */
export class TestClient {
  readonly cookies = new CookieJar();
  readonly #app: App<any, any>;
  readonly #options: TestClientOptions;
  #server: Promise<Server> | undefined;

  constructor(app: App<any, any>, options: TestClientOptions = {}) {
    this.#app = app;
    this.#options = options;
  }

  get(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("GET", path, options);
  }
  post(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("POST", path, options);
  }
  put(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("PUT", path, options);
  }
  patch(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("PATCH", path, options);
  }
  delete(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("DELETE", path, options);
  }
  head(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("HEAD", path, options);
  }
  options(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("OPTIONS", path, options);
  }

  /** Sends a request with any method; the app is started (lifespan) on the first one. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
    await this.#app.startup();
    let wire = this.#prepare(method.toUpperCase(), path, options);
    const follow = options.followRedirects ?? this.#options.followRedirects ?? true;
    const history: TestResponse[] = [];
    for (;;) {
      const received = await this.#send(wire);
      const response = new TestResponse(
        received.status,
        received.headers,
        received.body,
        wire.url,
        history,
      );
      this.cookies.store(response.headers.getSetCookie());
      if (received.error !== undefined && this.#options.raiseServerExceptions) throw received.error;
      const location = response.headers.get("location");
      if (
        !follow ||
        !REDIRECTS.has(response.status) ||
        !location ||
        history.length >= MAX_REDIRECTS
      )
        return response;
      history.push(response);
      wire = this.#redirect(wire, response.status, location);
    }
  }

  /**
   * Opens a WebSocket to the app. WebSockets need a real connection: the client starts the app
   * on 127.0.0.1 and a free port on first use, and `close()` stops it. A refused handshake
   * rejects with `WebSocketRejected`, whose `response` is the server's answer.
   *
   * @example
   * const ws = await client.websocket("/ws", { headers: { authorization: "Bearer t" } });
   * await ws.send("hi");
   * expect(await ws.receive()).toBe("Message received: hi");
   */
  async websocket(path: string, options: WebSocketConnectOptions = {}): Promise<TestWebSocket> {
    const base = serverUrl(await this.#listening()).replace(/^http/, "ws");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...this.#options.headers, ...options.headers })) {
      headers[name.toLowerCase()] = value;
    }
    const cookie = this.cookies.header(options.cookies);
    if (cookie) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookie}` : cookie;
    return TestWebSocket.connect(
      base + withQuery(path, options.query),
      headers,
      options.subprotocols,
    );
  }

  /** Stops the server (of the `http` transport and WebSockets) and runs the app's shutdown. */
  async close(): Promise<void> {
    if (this.#server) {
      this.#server = undefined;
      await this.#app.close();
    } else {
      await this.#app.shutdown();
    }
  }

  #prepare(method: string, path: string, options: RequestOptions): Wire {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...this.#options.headers, ...options.headers })) {
      headers[name.toLowerCase()] = value;
    }
    let body: string | Buffer | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] ??= "application/json";
    } else if (options.files !== undefined) {
      const boundary = `----vial${randomBytes(12).toString("hex")}`;
      body = encodeMultipart(boundary, options.form ?? {}, options.files);
      headers["content-type"] ??= `multipart/form-data; boundary=${boundary}`;
    } else if (options.form !== undefined) {
      body = encodeForm(options.form);
      headers["content-type"] ??= "application/x-www-form-urlencoded";
    } else if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : Buffer.from(options.body);
    }
    const cookie = this.cookies.header(options.cookies);
    if (cookie) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookie}` : cookie;
    return { method, url: withQuery(path, options.query), headers, body };
  }

  #redirect(previous: Wire, status: number, location: string): Wire {
    const target = new URL(location, `http://testserver${previous.url}`);
    const keepMethod = status === 307 || status === 308;
    const headers = { ...previous.headers };
    if (!keepMethod) {
      delete headers["content-type"];
      delete headers["content-length"];
    }
    const cookie = this.cookies.header();
    if (cookie) headers.cookie = cookie;
    else delete headers.cookie;
    return {
      method: keepMethod ? previous.method : previous.method === "HEAD" ? "HEAD" : "GET",
      url: target.pathname + target.search,
      headers,
      body: keepMethod ? previous.body : undefined,
    };
  }

  #send(wire: Wire): Promise<Received> {
    return this.#options.transport === "http" ? this.#sendHttp(wire) : this.#sendInject(wire);
  }

  async #sendInject(wire: Wire): Promise<Received> {
    let request: IncomingMessage | undefined;
    const handler = this.#app.handler;
    const res = await inject(
      (req, response) => {
        request = req;
        handler(req, response);
      },
      {
        method: wire.method as "GET",
        url: wire.url,
        headers: wire.headers,
        payload: wire.body,
        remoteAddress: "127.0.0.1",
      },
    );
    const slots = request as unknown as Record<symbol, unknown> | undefined;
    await slots?.[AFTER_WORK];
    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.push([name, String(v)]);
      else if (value !== undefined) headers.push([name, String(value)]);
    }
    return { status: res.statusCode, headers, body: res.rawPayload, error: slots?.[SERVER_ERROR] };
  }

  #listening(): Promise<Server> {
    this.#server ??= this.#app.listen({ port: 0, host: "127.0.0.1", signals: false });
    return this.#server;
  }

  async #sendHttp(wire: Wire): Promise<Received> {
    const base = serverUrl(await this.#listening());
    const res = await fetch(base + wire.url, {
      method: wire.method,
      headers: wire.headers,
      // A Buffer, so fetch adds no content type of its own to a raw string body.
      body: typeof wire.body === "string" ? Buffer.from(wire.body) : wire.body,
      redirect: "manual",
    });
    const headers: [string, string][] = [];
    res.headers.forEach((value, name) => {
      if (name !== "set-cookie") headers.push([name, value]);
    });
    for (const line of res.headers.getSetCookie()) headers.push(["set-cookie", line]);
    const body = Buffer.from(await res.arrayBuffer());
    await this.#app.idle();
    return { status: res.status, headers, body };
  }
}

function encodeForm(form: Record<string, Scalar | Scalar[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  return params.toString();
}

function encodeMultipart(
  boundary: string,
  form: Record<string, Scalar | Scalar[]>,
  files: Record<string, UploadSpec | UploadSpec[]>,
): Buffer {
  const chunks: Buffer[] = [];
  const quote = (text: string) => text.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
  for (const [name, value] of Object.entries(form)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${v}\r\n`,
        ),
      );
    }
  }
  for (const [name, value] of Object.entries(files)) {
    for (const file of Array.isArray(value) ? value : [value]) {
      const head =
        `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"; filename="${quote(file.filename)}"\r\n` +
        `Content-Type: ${file.type ?? "application/octet-stream"}\r\n\r\n`;
      chunks.push(Buffer.from(head), Buffer.from(file.content), Buffer.from("\r\n"));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

function withQuery(path: string, query: RequestOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const text = params.toString();
  if (!text) return path;
  return path + (path.includes("?") ? "&" : "?") + text;
}
