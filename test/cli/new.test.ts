import { execFile } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createProject } from "../../src/cli/new.js";
import { ROOT } from "./helpers.js";

const exec = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const work = mkdtempSync(join(tmpdir(), "vial-new-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function sh(cmd: string, args: string[], cwd: string) {
  const env = { ...process.env };
  delete env.NODE_ENV;
  delete env.NODE_OPTIONS;
  return exec(cmd, args, { cwd, env, timeout: 180_000 });
}

/** The newest modification time of the files under `dir`. */
function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
}

describe("vial new, installed and tested as a user would", () => {
  beforeAll(async () => {
    // The projects depend on this checkout as `npm install` builds it (the prepare script);
    // built again only when a source is newer than the build.
    const built = join(ROOT, "dist/index.js");
    if (!existsSync(built) || statSync(built).mtimeMs < newest(join(ROOT, "src"))) {
      await sh(npm, ["run", "build"], ROOT);
    }
  }, 120_000);

  test("both templates install and pass their own tests and type check", async () => {
    const bin = join(ROOT, "dist/cli/bin.js");
    const made = await Promise.all(
      ["api", "web"].map((template) =>
        sh(
          process.execPath,
          [bin, "new", `my-${template}`, "--template", template, "--vial", `file:${ROOT}`],
          work,
        ),
      ),
    );
    expect(made[0]!.stdout).toContain("Created my-api (api template): package.json, tsconfig.json");
    expect(made[0]!.stdout).toContain("cd my-api\n  npm install");
    const projects = ["my-api", "my-web"].map((name) => join(work, name));
    const [api, web] = projects.map((dir) =>
      JSON.parse(readFileSync(join(dir, "package.json"), "utf8")),
    );
    // The templates have the same dependencies: one install serves both.
    expect(web.dependencies).toEqual(api.dependencies);
    expect(web.devDependencies).toEqual(api.devDependencies);
    await sh(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund"], projects[0]!);
    symlinkSync(join(projects[0]!, "node_modules"), join(projects[1]!, "node_modules"), "dir");
    const results = await Promise.all(
      projects.flatMap((dir) => [sh(npm, ["test"], dir), sh(npm, ["run", "typecheck"], dir)]),
    );
    const [apiTest, , webTest] = results;
    expect(apiTest!.stdout).toMatch(/# pass 4\n# fail 0/);
    expect(webTest!.stdout).toMatch(/# pass 3\n# fail 0/);
    // the bin works from the project: the route table of the new app
    const routes = await sh(npm, ["exec", "--", "vial", "routes"], projects[0]!);
    expect(routes.stdout).toMatch(/^GET\s+\/items\/\{id\}\s+-\s+src\/app\.ts:\d+:\d+\s+-$/m);
  }, 240_000);
});

describe("vial new refuses", () => {
  test("a name npm would not take", () => {
    expect(() => createProject("My App", { template: "api", cwd: work })).toThrow(
      "'My App' cannot name a project: use lowercase letters, digits, '-', '.' and '_' (it becomes the npm package name), e.g. vial new my-api.",
    );
  });

  test("a folder that already has files, leaving it as it was", () => {
    createProject("taken", { template: "api", cwd: work });
    const before = readFileSync(join(work, "taken/src/app.ts"), "utf8");
    expect(() => createProject("taken", { template: "web", cwd: work })).toThrow(
      /The folder '.*taken' already exists and is not empty\. Choose another name, or remove it first\./,
    );
    expect(readFileSync(join(work, "taken/src/app.ts"), "utf8")).toBe(before);
    expect(existsSync(join(work, "taken/src/html.ts"))).toBe(false);
  });

  test("writes the vial dependency given, else this version", () => {
    createProject("pinned", { template: "api", cwd: work });
    const pkg = JSON.parse(readFileSync(join(work, "pinned/package.json"), "utf8"));
    const own = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.dependencies).toEqual({ vial: `^${own.version}` });
    expect(pkg.devDependencies.tsx).toBe(own.dependencies.tsx);
  });
});
