import { existsSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { App } from "../app.js";
import { CliError } from "./errors.js";

/** Where `vial` looks for an app when no file is given, in order (as `fastapi dev` does). */
export const CANDIDATES = ["app", "main", "src/app", "src/main"].flatMap((base) => [
  `${base}.ts`,
  `${base}.js`,
]);

/** Which app to load: a file, and the export holding the app (`undefined`: `app` or default). */
export interface AppSpec {
  file: string;
  name: string | undefined;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Works out the app to load from the command line: `[file]` and `--app module:name` (either part
 * optional), or the first of {@link CANDIDATES} in `cwd`. Fails with what to pass instead.
 *
 * @example
 * resolveAppSpec("/proj", undefined, "src/server.ts:api"); // { file: "/proj/src/server.ts", name: "api" }
 */
export function resolveAppSpec(cwd: string, file?: string, app?: string): AppSpec {
  const positional = file ? splitSpec(file) : undefined;
  const option = app ? splitSpec(app, true) : undefined;
  if (positional?.module && option?.module && positional.module !== option.module) {
    throw new CliError(
      `Two app files given: '${positional.module}' and --app '${app}'. Give the file once.`,
      2,
    );
  }
  const module = option?.module ?? positional?.module;
  const name = option?.name ?? positional?.name;
  if (module) return { file: existingFile(cwd, module), name };
  const found = CANDIDATES.map((c) => resolve(cwd, c)).find((path) => isFile(path));
  if (!found) {
    throw new CliError(
      `No app found in ${cwd}: looked for ${CANDIDATES.join(", ")}. ` +
        "Pass the file that exports your app, e.g. `vial dev src/server.ts`, or --app file:name.",
    );
  }
  return { file: found, name };
}

/** `file.ts:name` -> both; `--app name` alone names the export. */
function splitSpec(spec: string, option = false): { module?: string; name?: string } {
  const colon = spec.lastIndexOf(":");
  const tail = spec.slice(colon + 1);
  // "C:\app.ts" is a Windows path, not "C" with an export name.
  if (colon > 1 && IDENTIFIER.test(tail)) return { module: spec.slice(0, colon), name: tail };
  if (option && IDENTIFIER.test(spec) && !/\.[cm]?[jt]sx?$/.test(spec)) return { name: spec };
  return { module: spec };
}

function existingFile(cwd: string, module: string): string {
  const path = resolve(cwd, module);
  if (isFile(path)) return path;
  const shown = isAbsolute(module) ? module : relative(cwd, path) || module;
  if (existsSync(path)) {
    throw new CliError(`'${shown}' is a directory: pass the app file in it, e.g. ${shown}/app.ts.`);
  }
  throw new CliError(
    `App file '${shown}' not found (in ${cwd}). Check the path, or run vial without a file to ` +
      `find ${CANDIDATES.slice(0, 4).join(", ")} and their .js forms.`,
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether a value is a Vial App. Checked by shape rather than `instanceof`, so an app built
 * with another copy of vial (a global CLI, a linked package) is still recognised.
 */
export function isApp(value: unknown): value is App<any> {
  const v = value as Partial<App<any>> | null | undefined;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.handler === "function" &&
    typeof v.listen === "function" &&
    typeof v.startup === "function" &&
    Array.isArray(v.records)
  );
}

/**
 * Imports the app's module and returns its app: the export `name`, else `app`, else the
 * default export. Import errors propagate (the caller shows them with file and line); a module
 * without an app fails with the exports it does have.
 */
export async function loadApp(spec: AppSpec): Promise<App<any>> {
  const module = (await import(pathToFileURL(spec.file).href)) as Record<string, unknown>;
  return pickApp(module, spec);
}

/** The app among a module's exports, per {@link loadApp}. */
export function pickApp(module: Record<string, unknown>, spec: AppSpec): App<any> {
  const shown = relative(process.cwd(), spec.file) || spec.file;
  const names = Object.keys(module);
  const apps = names.filter((n) => isApp(module[n]));
  if (spec.name !== undefined) {
    const value = module[spec.name];
    if (isApp(value)) return value;
    const what = value === undefined ? "has no export" : "exports something else as";
    throw new CliError(
      `${shown} ${what} '${spec.name}'. ${apps.length ? `Apps it exports: ${apps.join(", ")}.` : exportsLine(names)}`,
    );
  }
  if (isApp(module.app)) return module.app;
  if (isApp(module.default)) return module.default;
  const hint = apps.length
    ? `It exports an app as '${apps[0]}': run with --app ${shown}:${apps[0]}.`
    : exportsLine(names);
  throw new CliError(
    `${shown} exports no Vial app. Export it as \`export const app = new App()\` or \`export default app\`. ${hint}`,
  );
}

function exportsLine(names: string[]): string {
  return names.length ? `Its exports: ${names.join(", ")}.` : "It exports nothing.";
}
