import type nunjucks from "nunjucks";
import { ConfigurationError } from "../errors.js";
import type { Exchange } from "../exchange.js";
import { urlForOf } from "../request/root-path.js";
import { HTMLResponse, type ResponseInit } from "../response/responses.js";
import { maskedToken } from "../sessions/csrf.js";
import type { FlashOptions, SessionObject } from "../sessions/session.js";
import type { BaseContext } from "../types.js";
import { loadNunjucks } from "./nunjucks.js";
import type { UrlParams, UrlQuery } from "./url-for.js";

/** `ctx.render(name, vars?, init?)`: a template rendered into an HTML response. */
export type Render = (
  name: string,
  vars?: Record<string, unknown>,
  init?: Omit<ResponseInit, "mediaType">,
) => HTMLResponse;

/** The request's session; a clear error when the app has no secret key. */
export function sessionOf(x: Exchange): SessionObject {
  const sessions = x.app.web.sessions;
  if (!sessions) {
    throw new ConfigurationError(
      "ctx.session needs a secret key to sign the session cookie: new App({ secretKey: process.env.SECRET_KEY }).",
    );
  }
  return sessions.get(x);
}

/** `ctx.render` for one request. */
export function renderOf(x: Exchange): Render {
  return (name, vars, init) => {
    const templates = x.app.web.templates;
    if (!templates) {
      throw new ConfigurationError(
        `render('${name}'): this app has no templates folder. Create one and pass it: new App({ templates: "templates" }).`,
      );
    }
    const html = templates.render(name, templateContext(x, vars));
    return new HTMLResponse(html, { ...init, mediaType: templates.mediaTypeOf(name) });
  };
}

/**
 * What every template sees, as in Flask: `request`, `session`, `g` (the request's `state`),
 * `url_for`, `get_flashed_messages`, `csrf_token` and `csrf_field` (also in camelCase), then
 * the context processors' values, then the variables given to `render`.
 */
export function templateContext(
  x: Exchange,
  vars: Record<string, unknown> = {},
): Record<string, unknown> {
  const urlFor = templateUrlFor(x);
  const flashed = (...args: unknown[]) => sessionOf(x).getFlashedMessages(flashOptions(args));
  const csrfToken = () => maskedToken(sessionOf(x));
  const csrfField = () => hiddenField(x.app.web.csrf?.field ?? "csrf_token", csrfToken());
  const context: Record<string, unknown> = {
    request: x.request,
    g: x.state,
    url_for: urlFor,
    urlFor,
    get_flashed_messages: flashed,
    getFlashedMessages: flashed,
    csrf_token: csrfToken,
    csrfToken,
    csrf_field: csrfField,
    csrfField,
  };
  // Only a template that reads the session loads it (and makes the response vary on cookies).
  if (x.app.web.sessions) {
    Object.defineProperty(context, "session", { get: () => sessionOf(x), enumerable: true });
  }
  for (const processor of x.app.web.templates?.contextProcessors ?? []) {
    Object.assign(context, processor(x.ctx as unknown as BaseContext));
  }
  return Object.assign(context, vars);
}

/**
 * `url_for` as Jinja2 templates call it: `url_for('post', id=3)` (keyword arguments: path
 * parameters, the rest in the query string, `_anchor` and `_external` as in Flask), or Vial's
 * `urlFor('post', { id: 3 }, { page: 2 })`.
 */
function templateUrlFor(x: Exchange): (name: string, ...args: unknown[]) => string {
  const urlFor = urlForOf(x);
  return (name, ...args) => {
    const params: Record<string, unknown> = {};
    let query: UrlQuery | undefined;
    for (const arg of args) {
      if (arg === null || typeof arg !== "object") continue;
      if ("__keywords" in arg || Object.keys(params).length === 0) Object.assign(params, arg);
      else query = arg as UrlQuery;
    }
    delete params.__keywords;
    const { _anchor: anchor, _external: external, ...rest } = params;
    let url = urlFor(name, rest as UrlParams, query);
    if (anchor !== undefined && anchor !== null) url += `#${encodeURIComponent(String(anchor))}`;
    if (external) url = `${x.request.protocol}://${x.request.host}${url}`;
    return url;
  };
}

function flashOptions(args: unknown[]): FlashOptions {
  const given = (args.find((a) => a && typeof a === "object") ?? {}) as Record<string, unknown>;
  return {
    withCategories: Boolean(given.withCategories ?? given.with_categories ?? args[0] === true),
    categoryFilter: (given.categoryFilter ?? given.category_filter) as string[] | undefined,
  };
}

function hiddenField(name: string, token: string): nunjucks.runtime.SafeString {
  const html = `<input type="hidden" name="${escapeAttribute(name)}" value="${token}">`;
  return new (loadNunjucks().runtime.SafeString)(html);
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
