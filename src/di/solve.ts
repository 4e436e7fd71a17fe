import { ExchangeView } from "../context.js";
import type { Exchange, OpenGenerator } from "../exchange.js";
import { extract, type InputGroup, ownValue, rawValues } from "../request/inputs.js";
import type { ValidationErrorItem } from "../validation/errors.js";
import type { Outcome } from "../validation/validator.js";
import type { Plan } from "./analyse.js";

/**
 * What a dependency function receives: its declared inputs and sub-dependencies by key, and the
 * request-level context (request, response, background, app, state, session...).
 */
export class DependencyArgs extends ExchangeView {
  [key: string]: unknown;
}

/**
 * Validates input groups against the request and sets each valid group's value on `target` under
 * its key (`query`, `body`, ...); errors are appended to `errors`. Synchronous unless a schema is
 * async, so routes without async checks never wait on a promise here.
 */
export function solveGroups(
  x: Exchange,
  groups: readonly InputGroup[],
  target: Record<string, unknown>,
  errors: ValidationErrorItem[],
): void | Promise<void> {
  let pending: Promise<void>[] | undefined;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (group.key === "body" && x.bodyError) {
      errors.push(x.bodyError);
      continue;
    }
    const outcome = group.validate(extract(group, x));
    if (outcome instanceof Promise) {
      pending ??= [];
      pending.push(outcome.then((o) => settle(x, group, o, target, errors)));
    } else {
      settle(x, group, outcome, target, errors);
    }
  }
  if (pending) return Promise.all(pending).then(() => undefined);
}

function settle(
  x: Exchange,
  group: InputGroup,
  outcome: Outcome,
  target: Record<string, unknown>,
  errors: ValidationErrorItem[],
): void {
  if (outcome.success) {
    target[group.key] = outcome.data;
    return;
  }
  // Values from strings were converted before validation; errors show what the client sent.
  const raw = group.fields ? rawValues(group, x) : undefined;
  for (const error of outcome.errors) {
    if (
      raw &&
      error.loc.length === 2 &&
      error.type !== "missing" &&
      error.type !== "extra_forbidden"
    ) {
      const field = group.fields!.find((f) => f.wire === error.loc[1] || f.name === error.loc[1]);
      const input = field && ownValue(raw, field.wire);
      if (input !== undefined) error.input = input;
    }
    errors.push(error);
  }
}

/** One request's progress through a plan. */
interface Solving {
  readonly x: Exchange;
  readonly steps: Plan["steps"];
  readonly errors: ValidationErrorItem[];
  readonly values: unknown[];
  readonly failed: boolean[];
}

/**
 * Solves a route's dependencies in plan order. Each runs as soon as its own inputs are valid
 * and its sub-dependencies have values, so its `HTTPException` can win over a 422 elsewhere, as
 * in FastAPI. Values land in `x.values`; generator dependencies join `x.exitStack`. Synchronous
 * while every dependency is (no promise is made for a plain function); from the first promise
 * or generator on, the rest is solved after it.
 */
export function solveDependencies(
  x: Exchange,
  plan: Plan,
  errors: ValidationErrorItem[],
): void | Promise<void> {
  const count = plan.steps.length;
  const values: unknown[] = new Array(count);
  x.values = values;
  return solveFrom({ x, steps: plan.steps, errors, values, failed: new Array(count) }, 0);
}

function solveFrom(s: Solving, from: number): void | Promise<void> {
  for (let i = from; i < s.steps.length; i++) {
    const pending = solveStep(s, i);
    if (pending) return pending.then(() => solveFrom(s, i + 1));
  }
}

function solveStep(s: Solving, i: number): void | Promise<void> {
  const step = s.steps[i]!;
  for (const [, index] of step.subs) {
    if (s.failed[index]) {
      s.failed[i] = true;
      return;
    }
  }
  if (step.dep.scope === "app") {
    return s.x.app.appValue(step.dep).then((value) => {
      s.values[i] = value;
    });
  }
  const args = new DependencyArgs(s.x);
  const before = s.errors.length;
  const pending = solveGroups(s.x, step.groups, args, s.errors);
  if (pending) return pending.then(() => callStep(s, i, args, before));
  return callStep(s, i, args, before);
}

function callStep(
  s: Solving,
  i: number,
  args: DependencyArgs,
  before: number,
): void | Promise<void> {
  if (s.errors.length > before) {
    s.failed[i] = true;
    return;
  }
  const step = s.steps[i]!;
  for (const [key, index] of step.subs) args[key] = s.values[index];
  const result = step.dep.fn(args);
  if (isGenerator(result) || typeof (result as Promise<unknown> | undefined)?.then === "function") {
    return enter(s.x, result, step.dep).then((value) => {
      s.values[i] = value;
    });
  }
  s.values[i] = result;
}

/** The value a dependency function's result stands for; generators are opened and remembered. */
export async function enter(
  x: { exitStack: OpenGenerator[] | undefined },
  result: unknown,
  dep: { readonly name: string },
): Promise<unknown> {
  if (isGenerator(result)) {
    const first = await result.next();
    if (first.done) {
      throw new Error(
        `Dependency ${dep.name} is a generator that returned without yielding: it must \`yield\` its value once (set-up before, tear-down after).`,
      );
    }
    x.exitStack ??= [];
    x.exitStack.push(result);
    return first.value;
  }
  return result;
}

function isGenerator(value: unknown): value is OpenGenerator {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as OpenGenerator).next === "function" &&
    typeof (value as OpenGenerator).throw === "function" &&
    (Symbol.iterator in value || Symbol.asyncIterator in value)
  );
}

/**
 * The request failed: throws `error` into each open generator at its `yield`, newest first, as
 * FastAPI does, so a dependency can catch it and raise something else (which then becomes the
 * response). Returns the error to answer with.
 */
export async function throwIntoGenerators(x: Exchange, error: unknown): Promise<unknown> {
  const stack = x.exitStack;
  if (!stack) return error;
  x.exitStack = undefined;
  let current = error;
  for (let i = stack.length - 1; i >= 0; i--) {
    try {
      const step = await stack[i]!.throw(current);
      if (!step.done) await stack[i]!.return(undefined);
    } catch (raised) {
      current = raised;
    }
  }
  return current;
}

/** After the response: resumes each open generator past its `yield` (its tear-down), newest first. */
export async function closeGenerators(
  stack: OpenGenerator[],
  onError: (error: unknown) => void,
): Promise<void> {
  for (let i = stack.length - 1; i >= 0; i--) {
    try {
      const step = await stack[i]!.next();
      if (!step.done) await stack[i]!.return(undefined);
    } catch (error) {
      onError(error);
    }
  }
}
