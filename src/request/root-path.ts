import type { IncomingMessage } from "node:http";
import type { Exchange } from "../exchange.js";
import type { UrlFor } from "../templates/url-for.js";

const ROOT_PATH = Symbol("vial.rootPath");

/**
 * Notes on the request that an App mounted under `prefix` serves it, so that App's URLs (its
 * `urlFor`, its document and docs pages) carry the prefix (ASGI's `root_path` of a mount).
 */
export function enterMount(
  req: IncomingMessage,
  rootPath: string | undefined,
  prefix: string,
): void {
  const slots = req as unknown as Record<symbol, string | undefined>;
  slots[ROOT_PATH] = (slots[ROOT_PATH] ?? rootPath ?? "") + prefix;
}

/**
 * The path in front of the app's own paths for this request: the mount prefixes it came
 * through, else the app's `rootPath` (the prefix a proxy strips), else `""`.
 */
export function rootPathOf(req: IncomingMessage, rootPath: string | undefined): string {
  return (req as unknown as Record<symbol, string | undefined>)[ROOT_PATH] ?? rootPath ?? "";
}

/**
 * `ctx.urlFor` for one request: the app's URLs with the request's root path in front (the
 * mount prefixes it came through, else the app's `rootPath`), as Flask's `url_for` puts
 * `SCRIPT_NAME` in front, so links and redirects of a mounted app stay inside its mount.
 */
export function urlForOf(x: Exchange): UrlFor {
  const root = rootPathOf(x.req, x.app.rootPath);
  if (root === "") return x.app.urlFor;
  return (name, params, query) => root + x.app.urlFor(name, params, query);
}
