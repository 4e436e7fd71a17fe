import type { App } from "../app.js";
import type { InputKey } from "../request/inputs.js";
import type { AppState, BaseContext, Infer } from "../types.js";
import type { InputSchema } from "../validation/schema.js";
import { Dependency, type DependsOptions, type ReservedKey, splitSpec } from "./dependency.js";

/** The value a dependency function stands for: what it returns, awaits to, or first yields. */
export type Resolved<R> =
  R extends AsyncGenerator<infer Y, any, any>
    ? Y
    : R extends Generator<infer Y, any, any>
      ? Y
      : Awaited<R>;

/** The spec of `depends(spec, fn)`: input groups under input keys, sub-dependencies under others. */
export type DependencySpec = { readonly [key: string]: InputSchema | Dependency<any> | undefined };

/**
 * The request-level context a dependency gets. A dependency does not know the App it will serve,
 * so `app.state` is the augmentable `AppState`, as in routers.
 */
export type DependencyContext = BaseContext<App<AppState>>;

/** What `fn` receives for a spec: validated inputs, sub-dependency values, the base context. */
export type DependencyArgs<S> = DependencyContext & {
  readonly [K in keyof S & InputKey]: Infer<S[K]>;
} & {
  readonly [K in Exclude<keyof S, InputKey>]: S[K] extends Dependency<infer T> ? T : never;
};

type CheckedSpec<S> = S & { [K in Exclude<keyof S & ReservedKey, InputKey>]: never };

/**
 * Declares a dependency (FastAPI's `Depends`): a value computed per request, once however many
 * routes and dependencies use it. `fn` may return a value or a promise, or be a generator:
 * code before `yield` sets up, the yielded value is the dependency's, code after runs once the
 * response is sent (an error in the handler is thrown in at the `yield` first).
 *
 * @example
 * const getDb = depends(async function* () {
 *   const db = await connect();
 *   try { yield db; } finally { await db.close(); }
 * });
 * const pagination = depends({ query: { skip: z.int().default(0), limit: z.int().max(100).default(10) } },
 *   ({ query }) => query);
 * const currentUser = depends({ token: oauth2, db: getDb }, ({ token, db }) => findUser(db, token));
 */
export function depends<R>(
  fn: (ctx: DependencyContext) => R,
  options?: DependsOptions,
): Dependency<Resolved<R>>;
export function depends<S extends DependencySpec, R>(
  spec: CheckedSpec<S>,
  fn: (args: DependencyArgs<S>) => R,
  options?: DependsOptions,
): Dependency<Resolved<R>>;
export function depends(
  specOrFn: DependencySpec | ((args: any) => unknown),
  fnOrOptions?: ((args: any) => unknown) | DependsOptions,
  options?: DependsOptions,
): Dependency {
  if (typeof specOrFn === "function") {
    return new Dependency({}, {}, specOrFn, fnOrOptions as DependsOptions | undefined);
  }
  if (typeof fnOrOptions !== "function") {
    throw new TypeError("depends(spec, fn): the second argument must be the dependency's function");
  }
  const { inputs, subs } = splitSpec(specOrFn);
  return new Dependency(inputs, subs, fnOrOptions, options);
}
