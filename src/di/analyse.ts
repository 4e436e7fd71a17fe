import { ConfigurationError } from "../errors.js";
import { compileInputs, type InputGroup } from "../request/inputs.js";
import { Dependency, RESERVED_KEYS, reservedKey } from "./dependency.js";
import { ScopedDependency, SecurityScopes, scopesValue } from "./scopes.js";

/** `deps` as routes, routers and apps take it: named values, or a list run for their effect. */
export type DepsSpec = Readonly<Record<string, Dependency<any>>> | readonly Dependency<any>[];

/** What `app.dependencyOverrides` maps a dependency to: another one, or a plain function. */
export type Override = Dependency<any> | ((args: any) => unknown);

/** One dependency to evaluate, with where its sub-dependencies' values are. */
export interface Step {
  /** The dependency as declared (overrides are looked up by it). */
  readonly declared: Dependency;
  /** What actually runs: the override if there is one. */
  readonly dep: Dependency;
  readonly groups: InputGroup[];
  readonly subs: readonly (readonly [key: string, step: number])[];
  /** OAuth2 scopes required by `Security(...)` on the way from the route down to this step. */
  readonly scopes: readonly string[];
}

/**
 * A route's dependencies in the order they are solved: every dependency after its
 * sub-dependencies, shared ones once (unless `cache: false`). Built once per route when the app
 * starts, and again only when `dependencyOverrides` changes; requests only walk it.
 */
export interface Plan {
  readonly steps: readonly Step[];
  /** Values the route's context receives: key -> step. */
  readonly provides: readonly (readonly [key: string, step: number])[];
}

export const EMPTY_PLAN: Plan = { steps: [], provides: [] };

/**
 * Analyses the dependency graph of a route. `sources` are the `deps` of the app, the includes,
 * the routers and the route, outermost first, which is the order FastAPI solves them in.
 * A cycle is an error naming it. A dependency whose value depends on the required scopes (it
 * declares `SecurityScopes`, or is a security scheme, or uses one) is evaluated once per set of
 * scopes, as FastAPI caches it; others once per request.
 */
export function analyse(
  sources: readonly DepsSpec[],
  overrides: ReadonlyMap<Dependency, Override>,
  where: string,
): Plan {
  if (sources.every((s) => (Array.isArray(s) ? s.length === 0 : Object.keys(s).length === 0)))
    return EMPTY_PLAN;
  const analysis = new Analysis(overrides, where);
  const provides: [string, number][] = [];
  for (const source of sources) {
    if (Array.isArray(source)) {
      for (const dep of source) analysis.visit(checked(dep, where), []);
    } else {
      for (const [key, dep] of Object.entries(source)) {
        if ((RESERVED_KEYS as readonly string[]).includes(key)) throw reservedKey(key, where);
        provides.push([key, analysis.visit(checked(dep, where), [])]);
      }
    }
  }
  return { steps: analysis.steps, provides };
}

/** One route's analysis: the steps so far, which are cached, and the path being walked. */
class Analysis {
  readonly steps: Step[] = [];
  readonly #seen = new Map<Dependency, Map<string, number>>();
  readonly #path: Dependency[] = [];
  readonly #scoped: (dep: Dependency) => boolean;

  constructor(
    private readonly overrides: ReadonlyMap<Dependency, Override>,
    private readonly where: string,
  ) {
    this.#scoped = scopeUsage(overrides);
  }

  /** Adds `use` (after its sub-dependencies) unless it is already there; returns its step. */
  visit(use: Dependency, inherited: readonly string[]): number {
    let declared = use;
    let scopes = inherited;
    while (declared instanceof ScopedDependency) {
      scopes = union(scopes, declared.requiredScopes);
      declared = declared.target;
    }
    const isScopes = declared === SecurityScopes;
    const dep = isScopes ? constant(scopes) : effective(declared, this.overrides);
    const key = isScopes || this.#scoped(dep) ? [...scopes].sort().join(" ") : "";
    const cached = declared.cache ? this.#seen.get(declared)?.get(key) : undefined;
    if (cached !== undefined) return cached;
    const path = this.#path;
    if (path.includes(declared)) throw cycleError(path, declared, this.where);
    path.push(declared);
    let subs: (readonly [string, number])[] = [];
    if (dep.scope === "app") checkAppScoped(dep, this.overrides, this.where, [...path]);
    else
      subs = Object.entries(dep.subs).map(([k, sub]) => [
        k,
        this.visit(checked(sub, this.where), scopes),
      ]);
    dep.groups ??= compileInputs(
      dep.inputs,
      `Dependency ${dep.name} (used by ${this.where})`,
      undefined,
    );
    this.steps.push({ declared, dep, groups: dep.groups, subs, scopes });
    path.pop();
    const index = this.steps.length - 1;
    if (declared.cache) {
      if (!this.#seen.has(declared)) this.#seen.set(declared, new Map());
      this.#seen.get(declared)!.set(key, index);
    }
    return index;
  }
}

/** The dependency that runs for `declared`: its override if there is one. */
export function effective(
  declared: Dependency,
  overrides: ReadonlyMap<Dependency, Override>,
): Dependency {
  const override = overrides.get(declared);
  if (override === undefined) return declared;
  if (override instanceof Dependency) return override;
  return new Dependency({}, {}, override, { cache: declared.cache });
}

/** Unwraps `Security(dep, scopes)` to `dep`, for uses where scopes play no part. */
export function unscoped(dep: Dependency): Dependency {
  let target = dep;
  while (target instanceof ScopedDependency) target = target.target;
  return target;
}

function constant(scopes: readonly string[]): Dependency {
  const value = scopesValue(scopes);
  return new Dependency({}, {}, function SecurityScopes() {
    return value;
  });
}

/** Whether a dependency's value can depend on the required scopes (memoised per analysis). */
function scopeUsage(overrides: ReadonlyMap<Dependency, Override>): (dep: Dependency) => boolean {
  const memo = new Map<Dependency, boolean>();
  const uses = (dep: Dependency): boolean => {
    const known = memo.get(dep);
    if (known !== undefined) return known;
    memo.set(dep, false); // a cycle is reported by the analysis itself
    let result = dep.security !== undefined;
    for (const sub of Object.values(dep.subs)) {
      if (result) break;
      if (!(sub instanceof Dependency)) continue;
      const target = unscoped(sub);
      result =
        sub instanceof ScopedDependency ||
        target === SecurityScopes ||
        uses(effective(target, overrides));
    }
    memo.set(dep, result);
    return result;
  };
  return uses;
}

/** App-scoped values are made once, outside any request: everything they use must be too. */
function checkAppScoped(
  dep: Dependency,
  overrides: ReadonlyMap<Dependency, Override>,
  where: string,
  path: Dependency[],
): void {
  for (const sub of Object.values(dep.subs)) {
    const declared = unscoped(checked(sub, where));
    if (path.includes(declared)) throw cycleError(path, declared, where);
    const target = effective(declared, overrides);
    if (target.scope !== "app") {
      throw new ConfigurationError(
        `${where}: app-scoped dependency ${dep.name} uses request-scoped ${target.name}. ` +
          `Make ${target.name} app-scoped too (depends(fn, { scope: "app" })), or ${dep.name} request-scoped.`,
      );
    }
    checkAppScoped(target, overrides, where, [...path, declared]);
  }
}

function cycleError(path: Dependency[], declared: Dependency, where: string): ConfigurationError {
  const cycle = [...path.slice(path.indexOf(declared)), declared].map((d) => d.name);
  return new ConfigurationError(
    `${where}: dependency cycle ${cycle.join(" -> ")}. A dependency cannot depend on itself, ` +
      `directly or through others; move the shared part into a dependency both use.`,
  );
}

function union(a: readonly string[], b: readonly string[]): readonly string[] {
  if (b.length === 0) return a;
  return [...new Set([...a, ...b])];
}

function checked(dep: unknown, where: string): Dependency {
  if (dep instanceof Dependency) return dep;
  throw new ConfigurationError(
    `${where}: \`deps\` takes dependencies made with depends(), got ${typeof dep}. Wrap the function: depends(fn).`,
  );
}
