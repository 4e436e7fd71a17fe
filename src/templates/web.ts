import { ConfigurationError } from "../errors.js";
import type { Logger } from "../logger.js";
import { resolveUploadLimits, type UploadLimits } from "../request/uploads.js";
import type { CsrfOptions } from "../sessions/csrf.js";
import type { SessionData } from "../sessions/session.js";
import { type SessionOptions, Sessions } from "../sessions/sessions.js";
import type { StaticOption } from "../static/static-files.js";
import { Templates, type TemplatesOptions } from "./environment.js";
import { ErrorPages, type ErrorPagesOption } from "./error-pages.js";

/** The App options of server-rendered apps (DESIGN.md "Flask side"). */
export interface WebOptions<D extends object = SessionData> {
  /** Jinja2-syntax templates: a folder, or options with filters, globals, context processors. */
  templates?: string | TemplatesOptions;
  /** Static files: `{ "/static": "static" }` (URL prefix -> folder), or a folder for `/static`. */
  static?: StaticOption;
  /** Signs the session cookie; sessions, flash messages and CSRF protection need it. */
  secretKey?: string;
  /** Former secret keys, still accepted (a cookie signed with one is signed again). */
  secretKeyFallbacks?: string[];
  session?: SessionOptions<D>;
  /** CSRF protection of form posts on apps with sessions (default on; `false` turns it off). */
  csrf?: boolean | CsrfOptions;
  /**
   * HTML error pages for browsers (default: on when `templates` is set). A record picks a
   * template per status: `{ 404: "errors/404.html" }`.
   */
  errorPages?: ErrorPagesOption;
  /** Limits and spooling of `files` uploads. */
  uploads?: UploadLimits;
}

/**
 * What a server-rendered app has configured, built once with the App. Each part is `undefined`
 * when not configured, so an API app pays nothing for it at request time.
 */
export class WebFeatures {
  readonly templates: Templates | undefined;
  readonly sessions: Sessions | undefined;
  readonly csrf: CsrfOptions | undefined;
  readonly errorPages: ErrorPages | undefined;
  readonly uploads: Required<UploadLimits>;

  constructor(options: WebOptions<any>, debug: boolean, logger: Logger) {
    this.templates = options.templates ? new Templates(options.templates, debug) : undefined;
    if (options.secretKey !== undefined) {
      this.sessions = new Sessions(
        options.secretKey,
        options.secretKeyFallbacks ?? [],
        options.session ?? {},
        logger,
      );
    } else if (options.session || options.secretKeyFallbacks) {
      throw new ConfigurationError(
        "Sessions need a secret key: new App({ secretKey: process.env.SECRET_KEY, ... }).",
      );
    }
    const csrf = options.csrf ?? true;
    this.csrf = this.sessions && csrf !== false ? (csrf === true ? {} : csrf) : undefined;
    const pages = options.errorPages ?? this.templates !== undefined;
    this.errorPages = pages ? new ErrorPages(pages, this.templates, debug) : undefined;
    this.uploads = resolveUploadLimits(options.uploads);
  }
}
