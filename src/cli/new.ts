import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { CliError } from "./errors.js";
import { apiTemplate } from "./scaffold/api.js";
import type { FileMap, ScaffoldContext } from "./scaffold/common.js";
import { webTemplate } from "./scaffold/web.js";

export const TEMPLATES = { api: apiTemplate, web: webTemplate } as const;
export type TemplateName = keyof typeof TEMPLATES;

export interface NewOptions {
  template: TemplateName;
  /** The `vial` dependency to write (default: this version, `^x.y.z`). */
  vial?: string;
  /** Where to create the project's folder (default: the working directory). */
  cwd?: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * `vial new NAME`: creates a project folder that installs and passes its own tests: package.json,
 * tsconfig, the app, settings, a test, a README. Refuses to write into a folder that has files.
 *
 * @example
 * const created = createProject("shop", { template: "api" });
 * created.files; // ["package.json", "tsconfig.json", ..., "src/app.ts", "test/app.test.ts"]
 */
export function createProject(name: string, options: NewOptions): { dir: string; files: string[] } {
  if (!NAME.test(name) || name.length > 214) {
    throw new CliError(
      `'${name}' cannot name a project: use lowercase letters, digits, '-', '.' and '_' ` +
        "(it becomes the npm package name), e.g. vial new my-api.",
    );
  }
  const template = TEMPLATES[options.template];
  if (!template) {
    throw new CliError(
      `Unknown template '${options.template}': choose one of ${Object.keys(TEMPLATES).join(", ")}.`,
      2,
    );
  }
  const dir = resolve(options.cwd ?? process.cwd(), name);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new CliError(
      `The folder '${relative(process.cwd(), dir) || dir}' already exists and is not empty. ` +
        "Choose another name, or remove it first.",
    );
  }
  const own = ownPackage();
  const ctx: ScaffoldContext = {
    name,
    vial: options.vial ?? `^${own.version}`,
    tsx: own.dependencies?.tsx ?? "^4.20.0",
  };
  const files: FileMap = template(ctx);
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return { dir, files: Object.keys(files) };
}

/** Vial's own package.json (one folder above `cli/`, from the sources and once built). */
export function ownPackage(): { version: string; dependencies?: Record<string, string> } {
  const path = new URL("../../package.json", import.meta.url);
  return JSON.parse(readFileSync(path, "utf8"));
}
