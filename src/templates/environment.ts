import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, relative } from "node:path";
import type nunjucks from "nunjucks";
import { ConfigurationError } from "../errors.js";
import { contentType } from "../internal/mime.js";
import type { BaseContext } from "../types.js";
import { strftime, tojson } from "./filters.js";
import { FolderLoader } from "./loader.js";
import { loadNunjucks } from "./nunjucks.js";
import { parseNunjucksMessage, TemplateError } from "./template-error.js";

/** Adds variables to every template rendered for a request (Flask's `context_processor`). */
export type ContextProcessor = (ctx: BaseContext<any>) => Record<string, unknown>;

/** A template filter: `{{ value | name(arg) }}` calls `fn(value, arg)`. */
export type TemplateFilter = (value: any, ...args: any[]) => unknown;

/** Template settings (`new App({ templates: "templates" })` or with these options). */
export interface TemplatesOptions {
  /** The templates folder, relative to the working directory. */
  folder: string;
  filters?: Record<string, TemplateFilter>;
  /** Values and functions every template sees. */
  globals?: Record<string, unknown>;
  contextProcessors?: ContextProcessor[];
  /** Re-read templates changed on disk (default: in development, `debug`). */
  reload?: boolean;
  /** Extensions whose templates are autoescaped (default `.html .htm .xml .xhtml .svg`). */
  autoescape?: readonly string[];
}

const AUTOESCAPE = [".html", ".htm", ".xml", ".xhtml", ".svg"];
let jinjaCompat = false;

interface Env {
  env: nunjucks.Environment;
  loader: FolderLoader;
}

/**
 * Jinja2-syntax templates on nunjucks, with Jinja's Python-isms installed (`True`, `None`,
 * `dict.items()`, `x.get(...)`, slices). Autoescaping is chosen by extension, as Flask does;
 * compiled templates are cached, and re-read when changed in development.
 */
export class Templates {
  readonly folder: string;
  readonly contextProcessors: ContextProcessor[];
  readonly #filters: Record<string, TemplateFilter>;
  readonly #globals: Record<string, unknown>;
  readonly #reload: boolean;
  readonly #autoescape: readonly string[];
  #escaped: Env | undefined;
  #plain: Env | undefined;

  constructor(options: string | TemplatesOptions, debug: boolean) {
    const settings = typeof options === "string" ? { folder: options } : options;
    if (typeof settings.folder !== "string" || settings.folder === "") {
      throw new ConfigurationError(
        '`templates` takes a folder: new App({ templates: "templates" }).',
      );
    }
    this.folder = new FolderLoader(settings.folder).root;
    if (!existsSync(this.folder) || !statSync(this.folder).isDirectory()) {
      throw new ConfigurationError(
        `templates: the folder '${settings.folder}' does not exist (relative to ${process.cwd()}). Create it or fix the path.`,
      );
    }
    this.contextProcessors = [...(settings.contextProcessors ?? [])];
    this.#filters = { tojson, strftime, ...settings.filters };
    this.#globals = { ...settings.globals };
    this.#reload = settings.reload ?? debug;
    this.#autoescape = settings.autoescape ?? AUTOESCAPE;
    if (!jinjaCompat) {
      loadNunjucks().installJinjaCompat();
      jinjaCompat = true;
    }
  }

  addFilter(name: string, filter: TemplateFilter): void {
    this.#filters[name] = filter;
    for (const env of [this.#escaped, this.#plain]) env?.env.addFilter(name, filter);
  }

  addGlobal(name: string, value: unknown): void {
    this.#globals[name] = value;
    for (const env of [this.#escaped, this.#plain]) env?.env.addGlobal(name, value);
  }

  /** Whether the folder has this template (for error pages found by convention). */
  has(name: string): boolean {
    const loader = this.#escaped?.loader ?? new FolderLoader(this.folder);
    const path = loader.pathOf(name);
    return path !== undefined && existsSync(path);
  }

  /** The media type a rendered template is sent with, from its extension. */
  mediaTypeOf(name: string): string {
    const ext = extname(name).toLowerCase();
    if (ext === ".html" || ext === ".htm" || ext === "") return "text/html";
    return contentType(ext) || "text/html";
  }

  /** Renders a template; every failure is a {@link TemplateError} naming template and line. */
  render(name: string, context: Record<string, unknown>): string {
    const target = this.#env(this.#autoescape.includes(extname(name).toLowerCase()));
    if (this.#reload) target.loader.refresh();
    try {
      return target.env.render(name, context);
    } catch (error) {
      throw this.#explain(error, name, target.loader);
    }
  }

  #env(escaped: boolean): Env {
    const current = escaped ? this.#escaped : this.#plain;
    if (current) return current;
    const loader = new FolderLoader(this.folder);
    const env = new (loadNunjucks().Environment)(loader as unknown as nunjucks.ILoader, {
      autoescape: escaped,
    });
    for (const [name, filter] of Object.entries(this.#filters)) env.addFilter(name, filter);
    for (const [name, value] of Object.entries(this.#globals)) env.addGlobal(name, value);
    const made = { env, loader };
    if (escaped) this.#escaped = made;
    else this.#plain = made;
    return made;
  }

  #explain(error: unknown, name: string, loader: FolderLoader): TemplateError {
    const message = error instanceof Error ? error.message : String(error);
    const parsed = parseNunjucksMessage(message);
    const missing = /template not found: (.+)$/m.exec(message)?.[1]?.trim();
    const path = parsed.path && parsed.path !== "unknown path" ? parsed.path : undefined;
    const template = path ? (loader.nameOf(path) ?? relative(this.folder, path)) : name;
    if (missing) {
      return new TemplateError(
        `Template '${missing}' not found in ${this.folder}${missing === template ? "" : ` (used by ${template})`}`,
        { template: missing === template ? undefined : template },
        { cause: error },
      );
    }
    let source: string | undefined;
    try {
      source = path ? readFileSync(path, "utf8") : undefined;
    } catch {}
    return new TemplateError(
      parsed.text.trim(),
      { template, line: parsed.line, column: parsed.column, source },
      { cause: error },
    );
  }
}
