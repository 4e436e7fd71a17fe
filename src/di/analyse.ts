import { ConfigurationError } from "../errors.js";
import { compileInputs, type InputGroup } from "../request/inputs.js";
import { Dependency } from "./dependency.js";

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
 * A cycle is an error naming it.
 */
export function analyse(
  sources: readonly DepsSpec[],
  overrides: ReadonlyMap<Dependency, Override>,
  where: string,
): Plan {
  if (sources.every((s) => (Array.isArray(s) ? s.length === 0 : Object.keys(s).length === 0)))
    return EMPTY_PLAN;
  const steps: Step[] = [];
  const seen = new Map<Dependency, number>();
  const path: Dependency[] = [];

  const visit = (declared: Dependency): number => {
    const cached = declared.cache ? seen.get(declared) : undefined;
    if (cached !== undefined) return cached;
    if (path.includes(declared)) {
      const cycle = [...path.slice(path.indexOf(declared)), declared]
        .map((d) => d.name)
        .join(" -> ");
      throw new ConfigurationError(
        `${where}: dependency cycle ${cycle}. A dependency cannot depend on itself.`,
      );
    }
    path.push(declared);
    const dep = effective(declared, overrides);
    const subs = Object.entries(dep.subs).map(([key, sub]) => [key, visit(sub)] as const);
    dep.groups ??= compileInputs(dep.inputs, `Dependency ${dep.name} (used by ${where})`);
    steps.push({ declared, dep, groups: dep.groups, subs });
    path.pop();
    const index = steps.length - 1;
    if (declared.cache) seen.set(declared, index);
    return index;
  };

  const provides: [string, number][] = [];
  for (const source of sources) {
    if (Array.isArray(source)) {
      for (const dep of source) visit(checked(dep, where));
    } else {
      for (const [key, dep] of Object.entries(source))
        provides.push([key, visit(checked(dep, where))]);
    }
  }
  return { steps, provides };
}

function effective(declared: Dependency, overrides: ReadonlyMap<Dependency, Override>): Dependency {
  const override = overrides.get(declared);
  if (override === undefined) return declared;
  if (override instanceof Dependency) return override;
  return new Dependency({}, {}, override, { cache: declared.cache });
}

function checked(dep: unknown, where: string): Dependency {
  if (dep instanceof Dependency) return dep;
  throw new ConfigurationError(
    `${where}: \`deps\` takes dependencies made with depends(), got ${typeof dep}. Wrap the function: depends(fn).`,
  );
}
