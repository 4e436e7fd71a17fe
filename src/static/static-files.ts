import { createReadStream, realpathSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { ConfigurationError, HTTPException, withoutStack } from "../errors.js";
import { contentType } from "../internal/mime.js";
import { VialResponse } from "../response/responses.js";
import type { BaseContext } from "../types.js";
import { acceptedEncodings, etagOf, notModified, parseRange } from "./conditional.js";
import { type FoundFile, findStaticFile, sibling } from "./resolve.js";

/** One static folder's settings. */
export interface StaticFolder {
  /** The folder, relative to the working directory. */
  folder: string;
  /** Route name for `urlFor(name, { filename })` (default: `static` for `/static`, else the prefix). */
  name?: string;
  /** `Cache-Control: max-age` in seconds (default 0: `no-cache`, the browser revalidates). */
  maxAge?: number;
  /** Adds `immutable` (for fingerprinted file names). */
  immutable?: boolean;
  /** Serve `file.br` / `file.gz` next to `file` when the client accepts them (default true). */
  precompressed?: boolean;
}

/** The `static` App option: a folder served at `/static`, or URL prefix -> folder. */
export type StaticOption = string | Record<string, string | StaticFolder>;

interface Mount {
  prefix: string;
  root: string;
  name: string;
  cacheControl: string;
  precompressed: boolean;
}

/** What registering static routes needs from an App. */
interface Registry {
  get(path: string, options: object, handler: (ctx: BaseContext) => unknown): unknown;
}

/**
 * Adds a `GET {prefix}/{filename:path}` route per static folder, named for `urlFor`. Folders
 * are checked now: a missing one is a startup error naming its prefix.
 */
export function registerStatic(app: Registry, option: StaticOption): void {
  for (const mount of mountsOf(option)) {
    const serve = (ctx: BaseContext) => serveStatic(mount, ctx);
    app.get(
      `${mount.prefix}/{filename:path}`,
      { name: mount.name, includeInSchema: false, csrf: false },
      serve,
    );
  }
}

function mountsOf(option: StaticOption): Mount[] {
  const entries = typeof option === "string" ? { "/static": option } : option;
  return Object.entries(entries).map(([prefix, value]) => {
    const settings = typeof value === "string" ? { folder: value } : value;
    if (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.includes("{")) {
      throw new ConfigurationError(
        `static: the prefix '${prefix}' must start with '/', not end with one, and have no parameters (e.g. "/static").`,
      );
    }
    let root: string;
    try {
      root = realpathSync(settings.folder);
      if (!statSync(root).isDirectory()) throw new Error("not a folder");
    } catch {
      throw new ConfigurationError(
        `static: the folder '${settings.folder}' for ${prefix} does not exist (relative to ${process.cwd()}). Create it or fix the path.`,
      );
    }
    const maxAge = settings.maxAge ?? 0;
    return {
      prefix,
      root,
      name: settings.name ?? prefix.slice(1).replaceAll("/", "."),
      cacheControl:
        maxAge > 0
          ? `public, max-age=${maxAge}${settings.immutable ? ", immutable" : ""}`
          : "no-cache",
      precompressed: settings.precompressed ?? true,
    };
  });
}

async function serveStatic(mount: Mount, ctx: BaseContext): Promise<VialResponse> {
  const raw = ctx.request.path.slice(mount.prefix.length + 1);
  const found = await findStaticFile(mount.root, raw);
  if (!found) throw withoutStack(() => new HTTPException(404, "Not Found"));
  const headers = ctx.request.headers;
  const type =
    contentType(found.path.slice(found.path.lastIndexOf("/") + 1)) || "application/octet-stream";
  let file = found;
  let encoding: string | undefined;
  if (mount.precompressed && headers.range === undefined) {
    for (const coding of acceptedEncodings(headers["accept-encoding"])) {
      const compressed = await sibling(found.path, coding === "br" ? ".br" : ".gz");
      if (compressed) {
        file = compressed;
        encoding = coding;
        break;
      }
    }
  }
  const etag = etagOf(file.stats, encoding);
  const response = new StaticFileResponse(file, {
    "content-type": type,
    etag,
    "last-modified": file.stats.mtime.toUTCString(),
    "cache-control": mount.cacheControl,
    "accept-ranges": "bytes",
  });
  if (encoding) response.headers.set("content-encoding", encoding);
  if (mount.precompressed) response.headers.set("vary", "Accept-Encoding");
  if (notModified(headers, etag, file.stats.mtime)) {
    response.status = 304;
    return response;
  }
  const range = parseRange(headers, file.stats.size, etag, file.stats.mtime);
  if (range.kind === "unsatisfiable") {
    response.status = 416;
    response.headers.set("content-range", `bytes */${file.stats.size}`);
  } else if (range.kind === "partial") {
    response.status = 206;
    response.range = [range.start, range.end];
    response.headers.set("content-range", `bytes ${range.start}-${range.end}/${file.stats.size}`);
  }
  return response;
}

/** A static file, a byte range of it, or no body (304, 416), streamed from disk. */
class StaticFileResponse extends VialResponse {
  range: [number, number] | undefined = undefined;

  constructor(
    readonly file: FoundFile,
    headers: Record<string, string>,
  ) {
    super(undefined, { headers });
  }

  override async write(res: ServerResponse, head: boolean): Promise<void> {
    const headers = this.headers.toNode();
    if (this.status === 304 || this.status === 416) {
      if (this.status === 304) delete headers["content-type"];
      else headers["content-length"] = "0";
      res.writeHead(this.status, headers);
      res.end();
      return;
    }
    const [start, end] = this.range ?? [0, this.file.stats.size - 1];
    headers["content-length"] = String(Math.max(0, end - start + 1));
    res.writeHead(this.status, headers);
    if (head || end < start) {
      res.end();
      return;
    }
    try {
      await pipeline(createReadStream(this.file.path, { start, end }), res);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") throw error;
    }
  }
}
