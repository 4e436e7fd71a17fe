import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { VialRequest } from "../request/request.js";
import { HTMLResponse, VialResponse } from "../response/responses.js";

const gzipAsync = promisify(gzip);
const require = createRequire(import.meta.url);

/** Where an installed package's files are, and its version (for cache-busting asset URLs). */
function packageInfo(name: string): { dir: string; version: string } {
  const manifest = require.resolve(`${name}/package.json`);
  return { dir: dirname(manifest), version: (require(manifest) as { version: string }).version };
}

/** The same for an optional package; `undefined` when it is not installed. */
function optionalPackageInfo(name: string): { dir: string; version: string } | undefined {
  try {
    return packageInfo(name);
  } catch {
    return undefined;
  }
}

const SWAGGER = packageInfo("swagger-ui-dist");
// ReDoc is an optional peer dependency: its standalone bundle ships with some 85 MB of React and
// friends, which an API that only uses /docs should not have to install.
const REDOC = optionalPackageInfo("redoc");

/** Whether ReDoc is installed, so `/redoc` can serve it. */
export const REDOC_INSTALLED = REDOC !== undefined;

/**
 * A file of an installed package served as is: read once on first use (gzipped once, the first
 * time a client accepts gzip), then served from memory with a year of caching (its URL carries
 * the package's version) and an ETag.
 */
export class StaticAsset {
  #raw: Promise<{ body: Buffer; etag: string }> | undefined;
  #gzipped: Promise<Buffer> | undefined;

  constructor(
    readonly path: string,
    readonly mediaType: string,
    /** A change to the file's text, made once when it is read. */
    readonly edit?: (text: string) => string,
  ) {}

  async respond(request: VialRequest): Promise<VialResponse> {
    this.#raw ??= this.#load();
    const { body, etag } = await this.#raw;
    const headers: Record<string, string> = {
      "cache-control": "public, max-age=31536000, immutable",
      etag,
      vary: "accept-encoding",
    };
    if (request.headers["if-none-match"] === etag) {
      return new VialResponse(undefined, { status: 304, headers });
    }
    if (/\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""))) {
      this.#gzipped ??= gzipAsync(body);
      headers["content-encoding"] = "gzip";
      return new VialResponse(await this.#gzipped, { mediaType: this.mediaType, headers });
    }
    return new VialResponse(body, { mediaType: this.mediaType, headers });
  }

  async #load(): Promise<{ body: Buffer; etag: string }> {
    const file = await readFile(this.path);
    const body = this.edit ? Buffer.from(this.edit(file.toString("utf8"))) : file;
    const hash = createHash("sha256").update(body).digest("base64url").slice(0, 16);
    return { body, etag: `"${hash}"` };
  }
}

/** The files the two pages load, by name under their page's URL. */
export const SWAGGER_ASSETS: Record<string, StaticAsset> = {
  "swagger-ui-bundle.js": new StaticAsset(
    join(SWAGGER.dir, "swagger-ui-bundle.js"),
    "text/javascript",
  ),
  "swagger-ui.css": new StaticAsset(join(SWAGGER.dir, "swagger-ui.css"), "text/css"),
  "favicon-32x32.png": new StaticAsset(join(SWAGGER.dir, "favicon-32x32.png"), "image/png"),
  "oauth2-redirect": new StaticAsset(join(SWAGGER.dir, "oauth2-redirect.html"), "text/html"),
  "oauth2-redirect.js": new StaticAsset(join(SWAGGER.dir, "oauth2-redirect.js"), "text/javascript"),
};

// ReDoc's menu always shows a "docs by Redocly" logo loaded from Redocly's CDN, with no option to
// turn it off; the pages must not reach outside the server, so the logo is an empty image.
const REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
const EMPTY_SVG = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E";

export const REDOC_ASSETS: Record<string, StaticAsset> = REDOC
  ? {
      "redoc.standalone.js": new StaticAsset(
        join(REDOC.dir, "bundles", "redoc.standalone.js"),
        "text/javascript",
        (text) => text.replaceAll(REDOC_CDN_LOGO, EMPTY_SVG),
      ),
    }
  : {};

/** JSON inside a `<script>`: `<` escaped so a value cannot close the tag. */
function scriptJSON(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

function escapeHTML(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

export interface SwaggerPage {
  title: string;
  /** The document's URL, as the browser requests it. */
  openapiUrl: string;
  /** The page's own URL; its assets are under it. */
  pageUrl: string;
  /** Swagger UI's settings over Vial's defaults (FastAPI's `swagger_ui_parameters`). */
  parameters: Record<string, unknown>;
}

/** The Swagger UI page: FastAPI's defaults, no validator badge, OAuth2 redirect on this server. */
export function swaggerUiHTML(page: SwaggerPage): HTMLResponse {
  const base = page.pageUrl.replace(/\/$/, "");
  const v = `?v=${SWAGGER.version}`;
  const config = {
    url: page.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    // The default sends the document to an outside validator; docs must work offline.
    validatorUrl: null,
    ...page.parameters,
  };
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHTML(page.title)} - Swagger UI</title>
<link rel="stylesheet" href="${base}/swagger-ui.css${v}">
<link rel="icon" type="image/png" href="${base}/favicon-32x32.png${v}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${base}/swagger-ui-bundle.js${v}"></script>
<script>
const config = ${scriptJSON(config)};
config.oauth2RedirectUrl ??= window.location.origin + ${scriptJSON(`${base}/oauth2-redirect`)};
config.presets = [SwaggerUIBundle.presets.apis];
window.ui = SwaggerUIBundle(config);
</script>
</body>
</html>
`;
  return new HTMLResponse(html);
}

export interface RedocPage {
  title: string;
  openapiUrl: string;
  pageUrl: string;
  /** ReDoc's options (`Redoc.init`'s second argument). */
  options: Record<string, unknown>;
  /** Where the favicon is; the Swagger UI page serves it. */
  faviconUrl: string | undefined;
  /** The Swagger UI page, pointed to when ReDoc is not installed. */
  swaggerUrl?: string | undefined;
}

/** The ReDoc page: the standalone bundle from this server, the system's fonts. */
export function redocHTML(page: RedocPage): HTMLResponse {
  if (!REDOC) return redocMissingHTML(page);
  const base = page.pageUrl.replace(/\/$/, "");
  const icon = page.faviconUrl
    ? `\n<link rel="icon" type="image/png" href="${page.faviconUrl}?v=${SWAGGER.version}">`
    : "";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHTML(page.title)} - ReDoc</title>${icon}
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<div id="redoc"></div>
<script src="${base}/redoc.standalone.js?v=${REDOC.version}"></script>
<script>
Redoc.init(${scriptJSON(page.openapiUrl)}, ${scriptJSON(page.options)}, document.getElementById("redoc"));
</script>
</body>
</html>
`;
  return new HTMLResponse(html);
}

/** What `/redoc` shows when ReDoc is not installed: how to add it. */
export function redocMissingHTML(page: RedocPage): HTMLResponse {
  return new HTMLResponse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHTML(page.title)} - ReDoc</title></head>
<body>
<h1>ReDoc is not installed</h1>
<p>Vial serves ReDoc from your <code>node_modules</code>, so the page works offline. Add it with
<code>npm install redoc@2</code> and restart. Swagger UI is at <a href="${escapeHTML(page.swaggerUrl ?? "/docs")}">${escapeHTML(page.swaggerUrl ?? "/docs")}</a>.</p>
</body>
</html>
`);
}
