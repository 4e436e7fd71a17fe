import type { DepsSpec } from "../di/analyse.js";
import type { Middleware } from "../middleware/compose.js";
import type { InputGroup, InputSpec } from "../request/inputs.js";
import type { VialResponse } from "../response/responses.js";
import type { PathTemplate } from "../routing/path.js";
import type { InputSchema } from "../validation/schema.js";

/** An extra documented response of an operation (FastAPI's `responses=`). */
export interface ResponseSpec {
  description?: string;
  /** The body's schema, documented as `application/json`. */
  model?: InputSchema;
  /** Other media types, as OpenAPI writes them. */
  content?: Record<string, unknown>;
  headers?: Record<string, unknown>;
}

export type ResponsesSpec = { [status: number | string]: ResponseSpec };

/** Options every route takes besides its inputs (DESIGN.md "route options"). */
/** A response class a route's plain return values are wrapped in (`HTMLResponse`, ...). */
export type ResponseClass = (new (
  content?: any,
  init?: { status?: number },
) => VialResponse) & { mediaType?: string | undefined };

export interface RouteMeta {
  /** Status of a successful response (default 200; 204 when the handler returns nothing). */
  status?: number;
  tags?: string[];
  summary?: string;
  description?: string;
  operationId?: string;
  deprecated?: boolean;
  /** Extra documented responses, by status. */
  responses?: ResponsesSpec;
  /** `false` leaves the route out of the OpenAPI document. */
  includeInSchema?: boolean;
  /** The route's name for `urlFor` (default: the handler's name). */
  name?: string;
  /** Largest accepted body in bytes (default: the app's `bodyLimit`). */
  bodyLimit?: number;
  /**
   * What the handler's plain return values become, FastAPI's `response_class`: with
   * `HTMLResponse`, a returned string is sent as `text/html` and documented so.
   */
  responseClass?: ResponseClass;
  /** Middleware around this route only, inside the app's and routers'. */
  middleware?: Middleware[];
  /** `false` exempts the route from CSRF checks (e.g. a webhook posting a form). */
  csrf?: boolean;
}

/** Route options as stored, without their types. */
export interface AnyRouteOptions extends RouteMeta, InputSpec {
  deps?: DepsSpec;
  response?: InputSchema;
}

/**
 * A route as registered, before the app compiles it. Routers hold records; `include` copies them
 * with prefixes, tags, deps and middleware added, so a record knows everything above it.
 */
export interface RouteRecord {
  readonly methods: readonly string[];
  readonly path: string;
  readonly template: PathTemplate;
  readonly options: AnyRouteOptions;
  readonly handler: (ctx: any) => unknown;
  /** The route's own input groups, compiled when it was registered. */
  readonly groups: readonly InputGroup[];
  readonly tags: readonly string[];
  /** `deps` of includes, routers and the route, outermost first. */
  readonly deps: readonly DepsSpec[];
  /** Middleware of routers and the route, outermost first. */
  readonly middleware: readonly Middleware[];
  readonly responses: ResponsesSpec;
  readonly name: string | undefined;
  /** A route Vial adds itself (the docs pages): as in FastAPI, app-level `deps` do not run for it. */
  readonly framework?: boolean;
}
