/**
 * A function made from source text once, at registration, for code that runs on every request
 * (find-my-way, zod and fast-json-stringify do the same). `names` are the parameters of the
 * outer function that `body` runs in and `values` their values; `body` returns the function.
 * Returns `undefined` where code generation from strings is off
 * (`--disallow-code-generation-from-strings`), so the caller falls back to its plain code; any
 * other error is a bug in the generated text and is thrown.
 */
export function generate<T>(names: string[], body: string, values: unknown[]): T | undefined {
  try {
    return new Function(...names, `"use strict"; ${body}`)(...values) as T;
  } catch (error) {
    if (error instanceof EvalError) return undefined;
    throw error;
  }
}
