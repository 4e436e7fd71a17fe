import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { basename } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { contentType as contentTypeFor } from "../internal/mime.js";
import { type CookieOptions, deleteCookieLine, setCookieLine } from "./cookies.js";
import { HeaderMap, type HeadersInit } from "./headers.js";

export type StreamSource =
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>
  | ReadableStream<Uint8Array>
  | NodeJS.ReadableStream;

export interface ResponseInit {
  status?: number;
  headers?: HeadersInit;
  /** The `Content-Type`; `text/*` types get `; charset=utf-8`. */
  mediaType?: string;
}

/**
 * A response to send as is: status, headers and body. The classes below fix the media type
 * and how content is encoded; handlers may also return a plain value or a web `Response`.
 *
 * @example
 * return new VialResponse(pngBytes, { mediaType: "image/png", headers: { "cache-control": "max-age=60" } });
 */
export class VialResponse {
  static mediaType: string | undefined = undefined;
  status: number;
  readonly headers: HeaderMap;
  /** The encoded body: text or bytes; streaming classes keep their source elsewhere. */
  body: string | Uint8Array;

  constructor(content?: unknown, init: ResponseInit = {}) {
    this.status = init.status ?? 200;
    this.headers = new HeaderMap(init.headers);
    this.body = this.render(content);
    const mediaType = init.mediaType ?? (this.constructor as typeof VialResponse).mediaType;
    if (mediaType && !this.headers.has("content-type")) {
      this.headers.set("content-type", withCharset(mediaType));
    }
  }

  /** Encodes `content` into the body; subclasses choose the encoding. */
  protected render(content: unknown): string | Uint8Array {
    if (content === undefined || content === null) return "";
    if (typeof content === "string" || content instanceof Uint8Array) return content;
    throw new TypeError(`${this.constructor.name} takes a string or bytes, got ${typeof content}`);
  }

  setCookie(name: string, value: string, options?: CookieOptions): this {
    this.headers.append("set-cookie", setCookieLine(name, value, options));
    return this;
  }

  deleteCookie(name: string, options?: Omit<CookieOptions, "maxAge" | "expires">): this {
    this.headers.append("set-cookie", deleteCookieLine(name, options));
    return this;
  }

  /**
   * Writes the response to node's response. Resolves once everything is handed to the socket.
   * Statuses without a body (1xx, 204, 304) and HEAD requests send headers only. `closing` is
   * aborted when the app shuts down; responses that never end by themselves (event streams)
   * end then.
   */
  write(res: ServerResponse, head: boolean, _closing?: AbortSignal): void | Promise<void> {
    const headers = this.headers.toNode();
    if (bodiless(this.status)) {
      delete headers["content-type"];
      res.writeHead(this.status, headers);
      res.end();
      return;
    }
    headers["content-length"] = String(
      typeof this.body === "string" ? Buffer.byteLength(this.body) : this.body.byteLength,
    );
    res.writeHead(this.status, headers);
    if (head) res.end();
    else res.end(this.body);
  }
}

/** JSON with `application/json`. `content` is encoded with `JSON.stringify`. */
export class JSONResponse extends VialResponse {
  static override mediaType = "application/json";

  protected override render(content: unknown): string {
    return JSON.stringify(content) ?? "null";
  }
}

/** HTML with `text/html; charset=utf-8`. */
export class HTMLResponse extends VialResponse {
  static override mediaType = "text/html";
}

/** Text with `text/plain; charset=utf-8`. */
export class PlainTextResponse extends VialResponse {
  static override mediaType = "text/plain";
}

/** A redirect to a route by name: `urlFor`'s arguments. */
export interface RouteTarget {
  route: string;
  params?: Readonly<Record<string, string | number | boolean | bigint | null | undefined>>;
  query?: Readonly<Record<string, unknown>>;
}

/**
 * A redirect to a URL, or to a route by name (its URL is built when the response is sent);
 * 307 by default, which keeps the method and body (use 303 after a form POST).
 *
 * @example
 * return new RedirectResponse("/login", { status: 303 });
 * return new RedirectResponse({ route: "post", params: { id: 3 } }, { status: 303 });
 */
export class RedirectResponse extends VialResponse {
  /** The route to redirect to, until its URL is built. */
  route: RouteTarget | undefined;

  constructor(url: string | RouteTarget, init: Omit<ResponseInit, "mediaType"> = {}) {
    super(undefined, { status: 307, ...init });
    if (typeof url === "string") this.headers.set("location", encodeURI(decodeURISafe(url)));
    else this.route = url;
  }

  /** Sets `Location` from the route name, with the app's `urlFor`. */
  resolve(urlFor: (name: string, params?: any, query?: any) => string): void {
    if (!this.route) return;
    const { route, params, query } = this.route;
    this.headers.set("location", urlFor(route, params, query));
    this.route = undefined;
  }
}

/**
 * A body produced piece by piece: async iterables of strings or bytes, web `ReadableStream`s and
 * node `Readable`s. The producer is paused while the client is slow (backpressure) and stopped
 * (its `finally` runs) when the client goes away.
 *
 * @example
 * return new StreamingResponse(async function* () { yield "a"; yield "b"; }(), { mediaType: "text/plain" });
 */
export class StreamingResponse extends VialResponse {
  readonly source: StreamSource;

  constructor(source: StreamSource, init: ResponseInit = {}) {
    super(undefined, init);
    this.source = source;
  }

  override async write(res: ServerResponse, head: boolean): Promise<void> {
    res.writeHead(this.status, this.headers.toNode());
    if (head) {
      res.end();
      return;
    }
    await pipeStream(toReadable(this.source), res);
  }
}

/**
 * A file from disk, streamed, with its size, modification date and a content type from its
 * extension. `filename` makes it a download (`Content-Disposition: attachment`).
 */
export class FileResponse extends VialResponse {
  readonly path: string;

  constructor(path: string, init: ResponseInit & { filename?: string; inline?: boolean } = {}) {
    super(undefined, {
      ...init,
      mediaType: init.mediaType ?? (contentTypeFor(basename(path)) || "application/octet-stream"),
    });
    this.path = path;
    if (init.filename !== undefined) {
      const disposition = init.inline ? "inline" : "attachment";
      this.headers.set(
        "content-disposition",
        `${disposition}; filename*=UTF-8''${encodeURIComponent(init.filename)}`,
      );
    }
  }

  override async write(res: ServerResponse, head: boolean): Promise<void> {
    const info = await stat(this.path);
    const headers = this.headers.toNode();
    headers["content-length"] = String(info.size);
    headers["last-modified"] ??= info.mtime.toUTCString();
    res.writeHead(this.status, headers);
    if (head) {
      res.end();
      return;
    }
    await pipeStream(createReadStream(this.path), res);
  }
}

function toReadable(source: StreamSource): Readable {
  if (source instanceof Readable) return source;
  if (typeof (source as ReadableStream).getReader === "function") {
    return Readable.fromWeb(source as import("node:stream/web").ReadableStream);
  }
  return Readable.from(source as AsyncIterable<string | Uint8Array>, { objectMode: false });
}

/** Pipes with backpressure; a client that disconnects ends the source instead of failing. */
async function pipeStream(source: Readable, res: ServerResponse): Promise<void> {
  try {
    await pipeline(source, res);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    throw error;
  }
}

export function bodiless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

export function withCharset(mediaType: string): string {
  return mediaType.startsWith("text/") && !mediaType.includes("charset")
    ? `${mediaType}; charset=utf-8`
    : mediaType;
}

function decodeURISafe(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}
