import { analyse, type DepsSpec, type Override, type Plan } from "../di/analyse.js";
import type { Dependency } from "../di/dependency.js";
import { ConfigurationError } from "../errors.js";
import type { RouteRecord } from "../internal/record.js";
import type { CompiledRoute } from "../internal/runtime.js";
import type { Logger } from "../logger.js";
import type { VialRequest } from "../request/request.js";
import { rootPathOf } from "../request/root-path.js";
import { VialResponse } from "../response/responses.js";
import { RouteRegistry } from "../router.js";
import { type Generated, generateOpenAPI } from "./generate.js";
import type { Contact, License, OpenAPIDocument, ServerObject, TagObject } from "./types.js";
import { REDOC_ASSETS, redocHTML, SWAGGER_ASSETS, swaggerUiHTML } from "./ui.js";

/** The App options that shape the document and its pages (FastAPI's names, in camelCase). */
export interface OpenAPIOptions {
  title?: string;
  version?: string;
  description?: string;
  /** A short summary of the API (OpenAPI 3.1 `info.summary`). */
  summary?: string;
  contact?: Contact;
  license?: License;
  /** Where clients reach the API; default `[{ url: rootPath || "/" }]`. */
  servers?: ServerObject[];
  /** Tag descriptions, in the order the docs list them. */
  openapiTags?: TagObject[];
  /**
   * The prefix a proxy in front of the app strips (FastAPI's `root_path`): added to `servers`
   * and to the URL the docs pages load the document from.
   */
  rootPath?: string;
  /** Where the document is served; `null` serves none (and no docs pages). Default `/openapi.json`. */
  openapiUrl?: string | null;
  /** The Swagger UI page; `null` disables it. Default `/docs`. */
  docsUrl?: string | null;
  /** The ReDoc page; `null` disables it. Default `/redoc`. */
  redocUrl?: string | null;
  /** Swagger UI settings over Vial's defaults: `{ deepLinking: false, persistAuthorization: true }`. */
  swaggerUiParameters?: Record<string, unknown>;
  /** ReDoc options: `{ hideDownloadButton: true, expandResponses: "200" }`. */
  redocOptions?: Record<string, unknown>;
}

/** What the docs need from their App. */
export interface DocsHost {
  readonly logger: Logger;
  /** The compiled routes; a new array whenever they were compiled again. */
  routes(): readonly CompiledRoute[];
  planFor(route: CompiledRoute): Plan;
  /** `app.openapi()`, which a user may replace to customise the document. */
  openapi(): OpenAPIDocument;
}

/**
 * A route's dependency plan as declared. The compiled plan follows `dependencyOverrides`, which
 * replace dependencies in tests; the document describes the API itself, as FastAPI's does.
 */
export function declaredPlan(
  route: CompiledRoute,
  appDeps: DepsSpec | undefined,
  overrides: ReadonlyMap<Dependency, Override>,
): Plan {
  if (overrides.size === 0) return route.plan;
  const record = route.record;
  const sources = [...(appDeps && !record.framework ? [appDeps] : []), ...record.deps];
  return analyse(sources, new Map(), `Route ${route.label}`);
}

/**
 * An App's OpenAPI document and docs pages: the document generated once per compiled route table
 * (and warnings logged once), served pre-serialized, and the routes of `/openapi.json`, `/docs`
 * and `/redoc` with their assets.
 */
export class OpenAPIDocs {
  readonly openapiUrl: string | null;
  readonly docsUrl: string | null;
  readonly redocUrl: string | null;
  /** The docs routes, added to the App's own when it compiles. */
  readonly records: readonly RouteRecord[];
  readonly #options: OpenAPIOptions;
  readonly #host: DocsHost;
  #generated: { routes: readonly CompiledRoute[]; result: Generated } | undefined;
  readonly #warned = new Set<string>();
  readonly #byRoot = new WeakMap<OpenAPIDocument, Map<string, OpenAPIDocument>>();
  readonly #json = new WeakMap<OpenAPIDocument, string>();

  constructor(options: OpenAPIOptions, host: DocsHost) {
    this.#options = options;
    this.#host = host;
    this.openapiUrl = checkedUrl("openapiUrl", options.openapiUrl, "/openapi.json");
    // Like FastAPI, the pages exist only with a document to show.
    this.docsUrl = this.openapiUrl && checkedUrl("docsUrl", options.docsUrl, "/docs");
    this.redocUrl = this.openapiUrl && checkedUrl("redocUrl", options.redocUrl, "/redoc");
    checkOptions(options);
    this.records = this.#routes();
  }

  /** The document for the current routes: generated when they change, else the cached one. */
  document(): OpenAPIDocument {
    const routes = this.#host.routes();
    if (this.#generated?.routes !== routes) {
      const result = generateOpenAPI({
        info: this.#info(),
        servers: this.#servers(this.#options.rootPath ?? ""),
        tags: this.#options.openapiTags,
        routes,
        planFor: (route) => this.#host.planFor(route),
      });
      this.#generated = { routes, result };
      for (const warning of result.warnings) {
        if (this.#warned.has(warning)) continue;
        this.#warned.add(warning);
        this.#host.logger.warn(warning);
      }
    }
    return this.#generated.result.document;
  }

  /** The app's routes and the docs routes, checked for collisions; called at every compilation. */
  withDocs(records: RouteRecord[]): RouteRecord[] {
    if (this.records.length === 0) return records;
    this.#checkCollisions(records);
    return [...records, ...this.records];
  }

  #checkCollisions(records: readonly RouteRecord[]): void {
    const taken = new Map(this.records.map((r) => [r.path, r]));
    for (const record of records) {
      const docs = taken.get(record.path);
      if (docs && record.methods.some((m) => m === "GET" || m === "HEAD")) {
        throw new ConfigurationError(
          `Route ${record.methods.join("|")} ${record.path} takes a URL of the API docs. ` +
            `Move the route, or set \`${optionOf(this, docs.path)}\` to another path (or null) in the App options.`,
        );
      }
    }
  }

  /** The document as served to a request: for its root path, serialized once. */
  #documentFor(request: VialRequest): OpenAPIDocument {
    const document = this.#host.openapi();
    const root = this.#rootOf(request);
    if (root === (this.#options.rootPath ?? "")) return document;
    let byRoot = this.#byRoot.get(document);
    if (!byRoot) {
      byRoot = new Map();
      this.#byRoot.set(document, byRoot);
    }
    let rooted = byRoot.get(root);
    if (!rooted) {
      rooted = { ...document, servers: this.#servers(root) };
      byRoot.set(root, rooted);
    }
    return rooted;
  }

  #serve(request: VialRequest): VialResponse {
    const document = this.#documentFor(request);
    let json = this.#json.get(document);
    if (json === undefined) {
      json = JSON.stringify(document);
      this.#json.set(document, json);
    }
    return new VialResponse(json, { mediaType: "application/json" });
  }

  #rootOf(request: VialRequest): string {
    return rootPathOf(request.raw, this.#options.rootPath);
  }

  #info(): OpenAPIDocument["info"] {
    const o = this.#options;
    return {
      title: o.title ?? "Vial",
      ...(o.summary !== undefined ? { summary: o.summary } : {}),
      ...(o.description !== undefined ? { description: o.description } : {}),
      ...(o.contact !== undefined ? { contact: o.contact } : {}),
      ...(o.license !== undefined ? { license: o.license } : {}),
      version: o.version ?? "0.1.0",
    };
  }

  /** FastAPI's rule: the root path is the first server unless the list already has it. */
  #servers(root: string): ServerObject[] {
    const given = this.#options.servers ?? [];
    if (root && !given.some((s) => s.url === root)) return [{ url: root }, ...given];
    return given.length > 0 ? [...given] : [{ url: root || "/" }];
  }

  #routes(): RouteRecord[] {
    const registry = new RouteRegistry<unknown, {}>();
    const hidden = { includeInSchema: false };
    const title = this.#options.title ?? "Vial";
    if (this.openapiUrl)
      registry.get(this.openapiUrl, hidden, ({ request }) => this.#serve(request));
    const openapiUrl = (request: VialRequest) => this.#rootOf(request) + this.openapiUrl;
    const docsUrl = this.docsUrl;
    if (docsUrl) {
      registry.get(docsUrl, hidden, ({ request }) =>
        swaggerUiHTML({
          title,
          openapiUrl: openapiUrl(request),
          pageUrl: this.#rootOf(request) + docsUrl,
          parameters: this.#options.swaggerUiParameters ?? {},
        }),
      );
      for (const [name, asset] of Object.entries(SWAGGER_ASSETS)) {
        registry.get(assetUrl(docsUrl, name), hidden, ({ request }) => asset.respond(request));
      }
    }
    const redocUrl = this.redocUrl;
    if (redocUrl) {
      registry.get(redocUrl, hidden, ({ request }) =>
        redocHTML({
          title,
          openapiUrl: openapiUrl(request),
          pageUrl: this.#rootOf(request) + redocUrl,
          options: this.#options.redocOptions ?? {},
          faviconUrl: docsUrl
            ? this.#rootOf(request) + assetUrl(docsUrl, "favicon-32x32.png")
            : undefined,
          swaggerUrl: docsUrl ? this.#rootOf(request) + docsUrl : undefined,
        }),
      );
      for (const [name, asset] of Object.entries(REDOC_ASSETS)) {
        registry.get(assetUrl(redocUrl, name), hidden, ({ request }) => asset.respond(request));
      }
    }
    return registry.records.map((record) => ({ ...record, framework: true }));
  }
}

function assetUrl(page: string, name: string): string {
  return `${page.replace(/\/$/, "")}/${name}`;
}

function optionOf(docs: OpenAPIDocs, path: string): string {
  if (path === docs.openapiUrl) return "openapiUrl";
  if (docs.docsUrl && path.startsWith(docs.docsUrl)) return "docsUrl";
  return "redocUrl";
}

function checkedUrl(
  name: string,
  value: string | null | undefined,
  fallback: string,
): string | null {
  if (value === null) return null;
  const url = value ?? fallback;
  if (typeof url !== "string" || !url.startsWith("/") || url.includes("{") || url.includes("?")) {
    throw new ConfigurationError(
      `App option \`${name}\`: '${String(url)}' is not a path. Give a path such as '${fallback}', or null to disable it.`,
    );
  }
  return url;
}

function checkOptions(options: OpenAPIOptions): void {
  if (options.license !== undefined && typeof options.license.name !== "string") {
    throw new ConfigurationError(
      'App option `license` needs a `name`, e.g. { name: "MIT", identifier: "MIT" }.',
    );
  }
  if (options.license?.identifier !== undefined && options.license.url !== undefined) {
    throw new ConfigurationError(
      "App option `license`: give an SPDX `identifier` or a `url`, not both (OpenAPI 3.1).",
    );
  }
  if (options.rootPath && (!options.rootPath.startsWith("/") || options.rootPath.endsWith("/"))) {
    throw new ConfigurationError(
      `App option \`rootPath\`: '${options.rootPath}' must start with '/' and not end with one, e.g. '/api'.`,
    );
  }
  for (const tag of options.openapiTags ?? []) {
    if (typeof tag?.name !== "string") {
      throw new ConfigurationError(
        'App option `openapiTags`: every tag needs a `name`, e.g. { name: "users", description: "..." }.',
      );
    }
  }
}
