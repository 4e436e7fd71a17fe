import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "vial";
import { afterAll, describe, expect, test } from "vitest";
import { CANDIDATES, isApp, pickApp, resolveAppSpec } from "../../src/cli/discover.js";
import { codeFrame, describeError } from "../../src/cli/errors.js";
import { watched } from "../../src/cli/watch.js";

const root = mkdtempSync(join(tmpdir(), "vial-discover-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: string[]): string {
  const dir = join(root, name);
  for (const file of files) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), "export {};\n");
  }
  return dir;
}

describe("finding the app file", () => {
  test("looks for app, main, src/app, src/main, .ts before .js", () => {
    expect(CANDIDATES).toEqual([
      "app.ts",
      "app.js",
      "main.ts",
      "main.js",
      "src/app.ts",
      "src/app.js",
      "src/main.ts",
      "src/main.js",
    ]);
    const dir = folder("order", ["main.ts", "src/app.ts", "app.js"]);
    expect(resolveAppSpec(dir)).toEqual({ file: join(dir, "app.js"), name: undefined });
    const nested = folder("nested", ["src/main.js", "src/app.ts"]);
    expect(resolveAppSpec(nested).file).toBe(join(nested, "src/app.ts"));
  });

  test("a file given, with or without an export name; --app names the export", () => {
    const dir = folder("given", ["server.ts", "app.ts"]);
    expect(resolveAppSpec(dir, "server.ts")).toEqual({
      file: join(dir, "server.ts"),
      name: undefined,
    });
    expect(resolveAppSpec(dir, "server.ts:api")).toEqual({
      file: join(dir, "server.ts"),
      name: "api",
    });
    expect(resolveAppSpec(dir, undefined, "server.ts:api").name).toBe("api");
    expect(resolveAppSpec(dir, undefined, "api")).toEqual({
      file: join(dir, "app.ts"),
      name: "api",
    });
    expect(resolveAppSpec(dir, "server.ts", "api")).toEqual({
      file: join(dir, "server.ts"),
      name: "api",
    });
  });

  test("two different files is a usage error", () => {
    const dir = folder("two", ["a.ts", "b.ts"]);
    expect(() => resolveAppSpec(dir, "a.ts", "b.ts:app")).toThrow(
      "Two app files given: 'a.ts' and --app 'b.ts:app'. Give the file once.",
    );
  });

  test("a folder instead of a file says which file to give", () => {
    const dir = folder("dir", ["src/app.ts"]);
    expect(() => resolveAppSpec(dir, "src")).toThrow(
      "'src' is a directory: pass the app file in it, e.g. src/app.ts.",
    );
  });
});

describe("picking the app among the exports", () => {
  const spec = { file: join(process.cwd(), "app.ts"), name: undefined };
  const app = new App();

  test("`app` first, then the default export", () => {
    const other = new App();
    expect(pickApp({ app, default: other }, spec)).toBe(app);
    expect(pickApp({ default: other, helper: 1 }, spec)).toBe(other);
  });

  test("an app under another name is suggested with --app", () => {
    expect(() => pickApp({ api: app }, spec)).toThrow(
      "app.ts exports no Vial app. Export it as `export const app = new App()` or `export default app`. It exports an app as 'api': run with --app app.ts:api.",
    );
  });

  test("a named export that is not an app", () => {
    expect(() => pickApp({ api: 42 }, { ...spec, name: "api" })).toThrow(
      "app.ts exports something else as 'api'. Its exports: api.",
    );
  });

  test("apps are recognised by shape, so another copy of vial works too", () => {
    expect(isApp(app)).toBe(true);
    expect(isApp({ listen() {}, handler() {} })).toBe(false);
    expect(isApp(null)).toBe(false);
  });
});

describe("showing errors", () => {
  test("a code frame marks the line and the column", () => {
    const file = join(root, "frame.ts");
    writeFileSync(file, "const a = 1;\nconst b = (;\nconst c = 3;\n");
    expect(codeFrame({ file, line: 2, column: 12 })).toEqual([
      "  1 | const a = 1;",
      "> 2 | const b = (;",
      "    |            ^",
      "  3 | const c = 3;",
    ]);
  });

  test("tsx's syntax errors are read for their place", () => {
    const file = join(root, "frame.ts");
    const error = Object.assign(
      new Error(`Transform failed with 1 error:\n${file}:2:11: ERROR: Unexpected ";"`),
      { name: "TransformError" },
    );
    const text = describeError(error, { debug: false });
    expect(text.split("\n")[0]).toMatch(/^SyntaxError in .*frame\.ts:2:12: Unexpected ";"$/);
    expect(text).toContain("> 2 | const b = (;");
  });

  test("without a place, the message alone; the stack only with debug", () => {
    const error = new Error("nothing to point at");
    error.stack = "Error: nothing to point at\n    at node:internal/whatever:1:1";
    expect(describeError(error, { debug: false })).toBe("Error: nothing to point at");
    expect(describeError(error, { debug: true })).toContain("at node:internal/whatever:1:1");
  });
});

describe("what the dev server watches", () => {
  test("code, JSON and .env files; not editor droppings, logs or databases", () => {
    for (const file of [
      "src/app.ts",
      "a.mts",
      "b.js",
      "c.cjs",
      "tsconfig.json",
      ".env",
      ".env.local",
    ]) {
      expect(watched(file), file).toBe(true);
    }
    for (const file of ["users.db", "app.ts~", ".app.ts.swp", "server.log", "notes.md"]) {
      expect(watched(file), file).toBe(false);
    }
  });
});
