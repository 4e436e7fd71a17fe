import type { Plan } from "../di/analyse.js";
import type { Dependency } from "../di/dependency.js";
import type { Exchange } from "../exchange.js";
import type { Logger } from "../logger.js";
import type { InputGroup } from "../request/inputs.js";
import type { Trust } from "../request/proxy.js";
import type { UploadLimits } from "../request/uploads.js";
import type { VialResponse } from "../response/responses.js";
import type { Serialize } from "../response/serializer.js";
import type { UrlFor } from "../templates/url-for.js";
import type { WebFeatures } from "../templates/web.js";
import type { ResponseClass, RouteRecord } from "./record.js";

/** A route compiled when the app starts: everything a request needs, nothing left to decide. */
export interface CompiledRoute {
  readonly record: RouteRecord;
  /** `GET /users/{id}`, for messages and logs. */
  readonly label: string;
  readonly status: number;
  /** The status of an empty response (`undefined` returned): `status` if set, else 204. */
  readonly emptyStatus: number;
  readonly bodyLimit: number | undefined;
  /** Which body to read before solving: JSON, a form, or none. */
  readonly bodyKind: "json" | "form" | undefined;
  /** Upload limits when the route (or a dependency) takes `files`; else file parts are skipped. */
  readonly uploads: Required<UploadLimits> | undefined;
  /** Unsafe requests need a CSRF token (apps with sessions; not for API-key or bearer routes). */
  readonly csrf: boolean;
  /** The route's own inputs. */
  readonly groups: readonly InputGroup[];
  readonly plan: Plan;
  /** Path parameters the `params` schema does not declare, passed on as strings: name -> key. */
  readonly extraParams: readonly (readonly [name: string, key: string])[];
  /** Path parameters whose name differs from the matcher's key (the catch-all). */
  readonly renamedParams: readonly (readonly [name: string, key: string])[];
  readonly handler: (ctx: any) => unknown;
  readonly serialize: Serialize;
  /** Wraps plain return values (`HTMLResponse`, ...); `undefined` for the usual rules. */
  readonly responseClass: ResponseClass | undefined;
  /** The route's middleware chain around the handler; `undefined` when there is none. */
  readonly chain: ((x: Exchange) => Promise<VialResponse>) | undefined;
}

/** What the request path needs from the app that owns it. */
export interface AppRuntime {
  /** The App instance, as `ctx.app`. */
  readonly app: unknown;
  readonly logger: Logger;
  readonly debug: boolean;
  readonly bodyLimit: number;
  /** Which proxies may speak for the client (compiled `trustProxy`). */
  readonly trust: Trust | undefined;
  /** How long a request body may stall before 408, in ms. */
  readonly bodyTimeout: number;
  /** Templates, sessions, CSRF, error pages and upload limits, as configured. */
  readonly web: WebFeatures;
  /** Builds a route's URL from its name, relative to the app (no mount prefix or `rootPath`). */
  readonly urlFor: UrlFor;
  /** The app's `rootPath` option. */
  readonly rootPath: string | undefined;
  /** Loads what a request needs before it is handled (server-side sessions); else `undefined`. */
  readonly preload: ((x: Exchange) => Promise<void>) | undefined;
  /** The value of an app-scoped dependency, made on first use. */
  appValue(dep: Dependency): Promise<unknown>;
  /** Answers an error with the registered exception handlers; rethrows what none handles. */
  handleError(x: Exchange, error: unknown): Promise<VialResponse>;
  /** The default answer to a known error when no handler is registered for it; else `undefined`. */
  answerByDefault(x: Exchange, error: unknown): VialResponse | undefined;
  /** Whether a 422 is FastAPI's JSON: no handler registered for it, no HTML error page. */
  answersValidationByDefault(x: Exchange): boolean;
  /** Answers an error nothing handled: logged with the request id, then 500. */
  handleUnhandled(x: Exchange, error: unknown): Promise<VialResponse>;
  /** Aborted when the app starts shutting down; long-lived responses end on it. */
  readonly closing: AbortSignal;
  /** Keeps after-response work in view, so shutdown can wait for it. */
  track(work: Promise<void>): void;
}
