/**
 * TypeScript apps run through tsx: child processes (dev and run workers) get it with `--import`;
 * the commands that load the app in this process (routes, openapi) register it here.
 */

/** Whether tsx is already loaded (the CLI itself was started through it). */
function tsxActive(): boolean {
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((arg) => /\btsx\b/.test(arg));
}

/** Node flags for a process that must run the app: this process's flags, plus tsx if absent. */
export function childExecArgv(): string[] {
  if (tsxActive()) return [...process.execArgv];
  return [...process.execArgv, "--import", import.meta.resolve("tsx")];
}

/** Lets this process import `.ts` files (ES modules and CommonJS), with source-mapped stacks. */
export async function enableTypeScript(): Promise<void> {
  if (tsxActive()) return;
  const [esm, cjs] = await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]);
  esm.register();
  cjs.register();
}
