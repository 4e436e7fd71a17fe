import { STATUS_CODES } from "node:http";
import type { Exchange } from "../exchange.js";
import { HTMLResponse, type VialResponse } from "../response/responses.js";
import type { ValidationErrorItem } from "../validation/errors.js";
import { debugPage, escapeHtml, page } from "./debug-page.js";
import type { Templates } from "./environment.js";
import { templateContext } from "./render.js";

/** `true` for the built-in pages (and `errors/<status>.html` when it exists), or a template per status. */
export type ErrorPagesOption = boolean | Record<number, string>;

/** What an error page is rendered from. */
export interface ErrorPageInfo {
  status: number;
  detail: unknown;
  headers?: Record<string, string>;
  /** The 422 error list. */
  errors?: ValidationErrorItem[];
  /** The unhandled error, for the development page. */
  error?: unknown;
}

/**
 * HTML error pages for browsers on server-rendered apps; API clients keep getting JSON. A page
 * is a template (`{ 404: "404.html" }`, or `errors/404.html` found in the templates folder) that
 * receives `status`, `title`, `detail` and `errors`, else a built-in page. In development an
 * unhandled error shows a page with the stack trace and the request; never in production.
 */
export class ErrorPages {
  readonly #chosen: Record<number, string>;
  readonly #templates: Templates | undefined;
  readonly #debug: boolean;

  constructor(option: ErrorPagesOption, templates: Templates | undefined, debug: boolean) {
    this.#chosen = typeof option === "object" ? option : {};
    this.#templates = templates;
    this.#debug = debug;
  }

  /** Whether the client asked for HTML first (a browser), not JSON (an API client). */
  wants(x: Exchange): boolean {
    return prefersHtml(x.req.headers.accept);
  }

  render(x: Exchange, info: ErrorPageInfo): VialResponse {
    const init = { status: info.status, headers: info.headers };
    if (info.status >= 500 && this.#debug && info.error !== undefined) {
      return new HTMLResponse(debugPage(x, info.error), init);
    }
    const title = `${info.status} ${STATUS_CODES[info.status] ?? "Error"}`;
    const detail = info.status >= 500 ? "Internal Server Error" : info.detail;
    const name = this.#templateFor(info.status);
    if (name) {
      try {
        const vars = { status: info.status, title, detail, errors: info.errors ?? [] };
        return new HTMLResponse(this.#templates!.render(name, templateContext(x, vars)), init);
      } catch (error) {
        x.app.logger.error(
          { err: error, requestId: x.requestId },
          `The error page ${name} failed; the built-in page was sent instead`,
        );
      }
    }
    return new HTMLResponse(builtInPage(title, detail, info.errors), init);
  }

  #templateFor(status: number): string | undefined {
    const chosen = this.#chosen[status];
    if (chosen) return chosen;
    const conventional = `errors/${status}.html`;
    return this.#templates?.has(conventional) ? conventional : undefined;
  }
}

function builtInPage(title: string, detail: unknown, errors?: ValidationErrorItem[]): string {
  const text = typeof detail === "string" ? detail : JSON.stringify(detail);
  const list = errors?.length
    ? `<ul>${errors
        .map((e) => `<li><code>${escapeHtml(e.loc.join("."))}</code>: ${escapeHtml(e.msg)}</li>`)
        .join("")}</ul>`
    : "";
  const body = `<h1>${escapeHtml(title)}</h1>${text && text !== title.slice(4) ? `<p>${escapeHtml(text)}</p>` : ""}${list}`;
  return page(title, body);
}

/** `Accept` ranks `text/html` at least as high as `application/json`. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const q = Number(params.find((p) => p.startsWith("q="))?.slice(2) ?? 1);
    if (type === "text/html" || type === "application/xhtml+xml") html = Math.max(html, q);
    else if (type === "application/json") json = Math.max(json, q);
  }
  return html > 0 && html >= json;
}
