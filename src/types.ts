import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { BackgroundTasks } from "./background.js";
import type { DepsSpec } from "./di/analyse.js";
import type { Dependency, ReservedKey } from "./di/dependency.js";
import type { RouteMeta } from "./internal/record.js";
import type { VialRequest } from "./request/request.js";
import type { UploadFile } from "./request/uploads.js";
import type { VialResponse } from "./response/responses.js";
import type { ResponseState } from "./response/state.js";
import type { Session, SessionData } from "./sessions/session.js";
import type { Render } from "./templates/render.js";
import type { UrlFor } from "./templates/url-for.js";
import type { FieldSchemas, InputSchema, Schema } from "./validation/schema.js";

/**
 * State the lifespan yields, as routers see it (`ctx.app.state`). Augment it once for the whole
 * program, since a Router cannot know the App it will be included in:
 *
 * @example
 * declare module "vial" {
 *   interface AppState { db: Database }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by users through declaration merging
export interface AppState {}

type NoKeys = { readonly [K in never]: never };

/** The validated value of an input declared as a schema or a record of field schemas. */
export type Infer<S> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<S>
  : S extends FieldSchemas
    ? { [K in keyof S]: StandardSchemaV1.InferOutput<S[K]> }
    : never;

type InferInput<R> = R extends StandardSchemaV1
  ? StandardSchemaV1.InferInput<R>
  : R extends FieldSchemas
    ? { [K in keyof R]: StandardSchemaV1.InferInput<R[K]> }
    : never;

/**
 * What a handler may return for a `response` schema: the schema's input, an async iterable of
 * them (streamed as JSON Lines, one value per line), or a response.
 */
export type HandlerResult<R> = [R] extends [undefined]
  ? unknown
  : InferInput<R> | AsyncIterable<InferInput<R>> | VialResponse | Response;

type ParamName<S extends string> = S extends `${infer Name}:${string}` ? Name : S;

/** Parameter names in a path template: `/users/{id}/files/{rest:path}` -> `"id" | "rest"`. */
export type PathParamNames<P extends string> = P extends `${string}{${infer Param}}${infer Rest}`
  ? ParamName<Param> | PathParamNames<Rest>
  : never;

/** Path parameters as strings, when no `params` schema types them. */
export type PathParams<P extends string> = { [K in PathParamNames<P>]: string };

/** Values of a `deps` record by key; a list (effect only) gives none. */
export type DepValues<D> = [D] extends [undefined]
  ? NoKeys
  : D extends readonly unknown[]
    ? NoKeys
    : { [K in keyof D]: D[K] extends Dependency<infer T> ? T : never };

/** Rejects dependency keys the context already uses (`body`, `request`, ...). */
export type CheckedDeps<D> = D extends readonly unknown[]
  ? D
  : D & { [K in keyof D & ReservedKey]: never };

/** What every handler, dependency and middleware gets, whatever the route declares. */
export interface BaseContext<A = unknown> {
  /** The request: method, url, path, raw headers, query and cookies, the node request. */
  readonly request: VialRequest;
  /** Status, headers and cookies applied to whatever the handler returns. */
  readonly response: ResponseState;
  /** Tasks to run after the response is sent. */
  readonly background: BackgroundTasks;
  readonly app: A;
  /** Per-request scratch space, shared by middleware, dependencies and the handler. */
  readonly state: Record<string, unknown>;
  /** `X-Request-ID` when the client sent one, else a generated id. */
  readonly requestId: string;
  /**
   * The session (apps with a `secretKey`): typed by the App's `session.schema`, else by the
   * augmentable `SessionData`.
   */
  readonly session: SessionOf<A>;
  /** Renders a template into an HTML response (apps with `templates`). */
  readonly render: Render;
  /** The URL of a named route. */
  readonly urlFor: UrlFor;
}

/** The session type of an App: from its `session.schema`, else `SessionData`. */
export type SessionOf<A> = A extends { readonly "~session": infer D }
  ? Session<D>
  : Session<SessionData>;

/** `z.file()` validates any `File`; what `files` holds are `UploadFile`s. */
export type AsUploads<V> = V extends File
  ? UploadFile
  : V extends readonly (infer E)[]
    ? AsUploads<E>[]
    : V;

type Declared<S, Otherwise = NoKeys> = [S] extends [undefined] ? Otherwise : Infer<S>;

/** A handler's context, from its path and each declared option. */
export type Ctx<P extends string, Pa, Q, H, C, B, F, Fi, D, A> = BaseContext<A> & {
  readonly params: [Pa] extends [undefined]
    ? PathParams<P>
    : Infer<Pa> & Omit<PathParams<P>, keyof Infer<Pa>>;
  readonly query: Declared<Q>;
  readonly headers: Declared<H>;
  readonly cookies: Declared<C>;
  readonly body: Declared<B, undefined>;
  readonly form: Declared<F>;
  readonly files: { [K in keyof Declared<Fi>]: AsUploads<Declared<Fi>[K]> };
} & DepValues<D>;

/** A route handler: gets its context, returns data or a response. */
export type Handler<C, R = undefined> = (ctx: C) => HandlerResult<R> | Promise<HandlerResult<R>>;

/** Every option a route takes, each input with its own type parameter (so typos are errors). */
export interface RouteOptions<Pa, Q, H, C, B, F, Fi, D, R> extends RouteMeta {
  /** Path parameters: `{ id: z.int() }` converts and checks `{id}`. */
  params?: Pa;
  query?: Q;
  /** Headers by name; `x_token` or `"x-token"` reads `X-Token`. */
  headers?: H;
  cookies?: C;
  /** The JSON body. */
  body?: B;
  /** Form fields (urlencoded or multipart). */
  form?: F;
  /** Uploaded files (multipart). */
  files?: Fi;
  /** Dependencies: a record gives each value to the handler by key; a list runs them for effect. */
  deps?: D;
  /** The response body's schema: filters, serializes and documents what the handler returns. */
  response?: R;
}

type I = InputSchema | undefined;

/**
 * `app.get`, `app.post`, ...: with options (inputs, deps, response and route metadata) or with the
 * handler alone. Inference is per route: each option has its own type parameter.
 *
 * @example
 * app.get("/users/{id}", { params: { id: z.int() } }, ({ params }) => ({ id: params.id }));
 */
export interface RouteMethod<Self, A, RD = NoKeys> {
  <
    P extends string,
    Pa extends I = undefined,
    Q extends I = undefined,
    H extends I = undefined,
    C extends I = undefined,
    B extends I = undefined,
    F extends I = undefined,
    Fi extends I = undefined,
    D extends DepsSpec | undefined = undefined,
    R extends I = undefined,
  >(
    path: P,
    options: RouteOptions<Pa, Q, H, C, B, F, Fi, CheckedDeps<D>, R>,
    handler: Handler<Ctx<P, Pa, Q, H, C, B, F, Fi, D, A> & RD, R>,
  ): Self;
  <P extends string>(
    path: P,
    handler: Handler<
      Ctx<
        P,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        A
      > &
        RD
    >,
  ): Self;
}

/** `app.route(path, { methods, ...options }, handler)`. */
export type RouteWithMethods<Self, A, RD = NoKeys> = <
  P extends string,
  Pa extends I = undefined,
  Q extends I = undefined,
  H extends I = undefined,
  C extends I = undefined,
  B extends I = undefined,
  F extends I = undefined,
  Fi extends I = undefined,
  D extends DepsSpec | undefined = undefined,
  R extends I = undefined,
>(
  path: P,
  options: RouteOptions<Pa, Q, H, C, B, F, Fi, CheckedDeps<D>, R> & { methods: readonly string[] },
  handler: Handler<Ctx<P, Pa, Q, H, C, B, F, Fi, D, A> & RD, R>,
) => Self;

type OptionOf<O, K extends string> = K extends keyof O ? O[K] : undefined;

/**
 * The context of a route's handler, for handlers written apart from their route.
 *
 * @example
 * const options = { params: { id: z.int() } };
 * function getUser({ params }: RouteContext<"/users/{id}", typeof options>) { return params.id; }
 * app.get("/users/{id}", options, getUser);
 */
export type RouteContext<P extends string, O = {}, A = unknown> = Ctx<
  P,
  OptionOf<O, "params">,
  OptionOf<O, "query">,
  OptionOf<O, "headers">,
  OptionOf<O, "cookies">,
  OptionOf<O, "body">,
  OptionOf<O, "form">,
  OptionOf<O, "files">,
  OptionOf<O, "deps">,
  A
>;

export type { Schema };
