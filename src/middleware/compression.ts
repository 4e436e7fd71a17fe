import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { VialResponse } from "../response/responses.js";
import type { BaseContext } from "../types.js";
import type { Middleware } from "./compose.js";

export interface CompressionOptions {
  /** Bodies smaller than this many bytes are sent as they are (default 500, as Starlette). */
  minimumSize?: number;
  /** Encodings offered, in order of preference (default `["br", "gzip"]`). */
  encodings?: readonly ("br" | "gzip")[];
  /** gzip level 1-9 (default 6). */
  gzipLevel?: number;
  /** Brotli quality 0-11 (default 4: most of the gain for a fraction of the CPU of 11). */
  brotliQuality?: number;
}

const COMPRESSIBLE =
  /^(text\/(?!event-stream)|application\/(json|javascript|xml|[\w.+-]+\+(json|xml))|image\/svg\+xml)/;

/**
 * Compresses response bodies with Brotli or gzip when the client accepts it, the body is large
 * enough and its type is worth compressing (text, JSON, JavaScript, XML, SVG). Streams and
 * Server-Sent Events are sent as they are. Adds `Vary: Accept-Encoding`.
 *
 * @example
 * app.use(compression({ minimumSize: 1024 }));
 */
export function compression(options: CompressionOptions = {}): Middleware<BaseContext> {
  const minimumSize = options.minimumSize ?? 500;
  const encodings = options.encodings ?? ["br", "gzip"];
  const gzipLevel = options.gzipLevel ?? 6;
  const brotliQuality = options.brotliQuality ?? 4;
  const compress = {
    br: (body: Uint8Array) =>
      brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: brotliQuality } }),
    gzip: (body: Uint8Array) => gzipSync(body, { level: gzipLevel }),
  };
  return async function compressionMiddleware(ctx, next) {
    const response = await next();
    // Only responses that send their `body` (not files or streams, which write themselves).
    if (response.write !== VialResponse.prototype.write) return response;
    const type = response.headers.get("content-type") ?? "";
    if (!COMPRESSIBLE.test(type) || response.headers.has("content-encoding")) return response;
    const body = typeof response.body === "string" ? Buffer.from(response.body) : response.body;
    if (body.byteLength < minimumSize) return response;
    response.headers.append("vary", "Accept-Encoding");
    const encoding = chooseEncoding(ctx.request.headers["accept-encoding"], encodings);
    if (!encoding) return response;
    response.body = compress[encoding](body);
    response.headers.set("content-encoding", encoding);
    return response;
  };
}

/** The first offered encoding the client accepts (`q=0` refuses one). */
function chooseEncoding(
  header: string | undefined,
  offered: readonly ("br" | "gzip")[],
): "br" | "gzip" | undefined {
  if (!header) return undefined;
  const accepted = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    accepted.set(name.trim(), q ? Number(q.slice(2)) : 1);
  }
  return offered.find((encoding) => (accepted.get(encoding) ?? accepted.get("*") ?? 0) > 0);
}
