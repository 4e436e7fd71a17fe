import { ConfigurationError } from "../errors.js";
import { INPUT_KEYS, type InputGroup, type InputKey, type InputSpec } from "../request/inputs.js";
import type { OpenAPISecurity } from "./security-info.js";

export interface DependsOptions {
  /**
   * `true` (default): evaluated once per request however many times it is used.
   * `false`: evaluated at every use, as FastAPI's `use_cache=False`.
   */
  cache?: boolean;
  /**
   * `"request"` (default): evaluated for each request.
   * `"app"`: evaluated once for the app (a singleton, e.g. a client pool) and torn down when
   * the app shuts down. App-scoped dependencies cannot read request inputs.
   */
  scope?: "request" | "app";
}

/** Keys a context already uses; neither dependencies nor dependency specs may take them. */
export const RESERVED_KEYS = [
  ...INPUT_KEYS,
  "request",
  "response",
  "background",
  "app",
  "state",
  "session",
  "render",
  "urlFor",
  "requestId",
] as const;

export type ReservedKey = (typeof RESERVED_KEYS)[number];

/**
 * A value computed for a request from its inputs and other dependencies: FastAPI's `Depends`.
 * Made with {@link depends}; the security schemes are dependencies too.
 */
export class Dependency<T = unknown> {
  /** Phantom: the type of the value handlers receive. */
  declare readonly "~value": T;
  readonly inputs: InputSpec;
  readonly subs: Readonly<Record<string, Dependency>>;
  readonly fn: (args: any) => unknown;
  readonly cache: boolean;
  readonly scope: "request" | "app";
  /** Compiled input groups, shared by every route using this dependency. */
  groups: InputGroup[] | undefined = undefined;
  /** What the dependency adds to an operation's OpenAPI `security` (security schemes set it). */
  security: OpenAPISecurity | undefined = undefined;

  constructor(
    inputs: InputSpec,
    subs: Record<string, Dependency>,
    fn: (args: any) => unknown,
    options: DependsOptions = {},
  ) {
    this.inputs = inputs;
    this.subs = subs;
    this.fn = fn;
    this.cache = options.cache ?? true;
    this.scope = options.scope ?? "request";
    if (this.scope === "app" && Object.keys(inputs).length) {
      throw new ConfigurationError(
        `Dependency ${this.name} has scope "app" but reads request inputs (${Object.keys(inputs).join(", ")}). ` +
          `An app-scoped value is made once for all requests; move the inputs to a request-scoped dependency.`,
      );
    }
  }

  /** The function's name, for error messages and `vial routes`. */
  get name(): string {
    return this.fn.name || "anonymous";
  }
}

/** Splits `depends(spec, fn)`'s spec into declared inputs and sub-dependencies. */
export function splitSpec(spec: Record<string, unknown>): {
  inputs: InputSpec;
  subs: Record<string, Dependency>;
} {
  const inputs: InputSpec = {};
  const subs: Record<string, Dependency> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) continue;
    if ((INPUT_KEYS as readonly string[]).includes(key)) {
      inputs[key as InputKey] = value as InputSpec[InputKey];
    } else if (value instanceof Dependency) {
      if ((RESERVED_KEYS as readonly string[]).includes(key)) throw reservedKey(key, "depends()");
      subs[key] = value;
    } else {
      throw new ConfigurationError(
        `depends(): '${key}' is neither an input (${INPUT_KEYS.join(", ")}) nor a dependency. ` +
          `Wrap the function in depends() or move the schema under one of the input keys.`,
      );
    }
  }
  return { inputs, subs };
}

/** Refuses a `deps` record with a key the context already uses; `where` names its owner. */
export function checkDepsKeys(deps: unknown, where: string): void {
  if (!deps || Array.isArray(deps) || typeof deps !== "object") return;
  for (const key of Object.keys(deps)) {
    if ((RESERVED_KEYS as readonly string[]).includes(key)) throw reservedKey(key, where);
  }
}

export function reservedKey(key: string, where: string): ConfigurationError {
  return new ConfigurationError(
    `${where}: '${key}' cannot name a dependency: the context already uses it. Rename the key ` +
      `(e.g. '${key}Value'). Reserved: ${RESERVED_KEYS.join(", ")}.`,
  );
}
