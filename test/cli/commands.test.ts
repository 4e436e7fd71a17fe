import { createServer, type Server } from "node:net";
import { App } from "vial";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { project, vial } from "./helpers.js";

const APP = `import { App, depends, z } from "vial";

const getDb = depends(function getDb() {
  return { users: [] as string[] };
});
const verifyKey = depends(function verifyKey() {});

export const app = new App({ title: "Shop" });

app.get("/", () => ({ hello: "world" }));

app.post(
  "/users/{id}",
  { params: { id: z.int() }, deps: { db: getDb }, name: "updateUser" },
  ({ params }) => params,
);

function listItems() {
  return [];
}
app.get("/items/", { deps: [verifyKey] }, listItems);

app.ws("/chat/{room}", { deps: { db: getDb } }, async function chat(ws) {
  for await (const message of ws) ws.send(message);
});
`;

const files: Record<string, string> = {
  "src/app.ts": APP,
  "server.ts": `import { App } from "vial";\nexport const api = new App();\napi.get("/ping", () => "pong");\n`,
  "lib.ts": `export const helper = 1;\nexport function util() {}\n`,
  "broken.ts": `import { App } from "vial";\n\nexport const app = new App(;\n`,
  "broken-module.js": `import { App } from "vial";\nexport const app = new App();\nconst x = (;\n`,
  "throws.ts": `import { App } from "vial";\n\nthrow new Error("the database is unreachable");\nexport const app = new App();\n`,
  "config.ts": `import { App, settings, z } from "vial";\nexport const config = settings({ databaseUrl: z.string(), apiToken: z.string().min(10) }, { prefix: "SHOP_" });\nexport const app = new App();\n`,
  "self.ts": `import { App } from "vial";\nexport const app = new App();\nawait app.listen({ port: Number(process.env.SELF_PORT), host: "127.0.0.1" });\n`,
  "no-openapi.ts": `import { App } from "vial";\nexport const app = new App();\n(app as any).openapi = undefined;\n`,
};

let dir: string;
let remove: () => void;
beforeAll(() => {
  ({ dir, remove } = project(files));
});
afterAll(() => remove());

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }),
  );
}

/** Every failure is one message: no stack trace unless --debug. */
function expectNoStack(text: string) {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

describe.concurrent("vial routes", () => {
  test("prints method, path, name, handler file:line and deps (WebSocket routes too), finding src/app.ts", async () => {
    const { code, stdout } = await vial(["routes"], dir);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^METHOD\s+PATH\s+NAME\s+HANDLER\s+DEPS$/);
    expect(lines[1]).toMatch(/^GET\s+\/\s+-\s+src\/app\.ts:10:14\s+-$/);
    expect(lines[2]).toMatch(
      /^POST\s+\/users\/\{id\}\s+updateUser\s+src\/app\.ts:15:3\s+db=getDb$/,
    );
    expect(lines[3]).toMatch(/^GET\s+\/items\/\s+listItems\s+src\/app\.ts:18:10\s+verifyKey$/);
    expect(lines[4]).toMatch(
      /^WEBSOCKET\s+\/chat\/\{room\}\s+chat\s+src\/app\.ts:23:\d+\s+db=getDb$/,
    );
    expect(lines).toHaveLength(5);
  });

  test("--json, and --app file:name for an app under another name", async () => {
    const { code, stdout } = await vial(["routes", "--json", "--app", "server.ts:api"], dir);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { methods: ["GET"], path: "/ping", name: null, handler: "server.ts:3:18", deps: [] },
    ]);
  });
});

describe.concurrent("vial openapi", () => {
  const hasOpenapi = typeof (App.prototype as { openapi?: unknown }).openapi === "function";

  test.runIf(hasOpenapi)("prints the document, or writes it with --out", async () => {
    const printed = await vial(["openapi", "src/app.ts"], dir);
    expect(printed.code).toBe(0);
    const doc = JSON.parse(printed.stdout);
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(doc.info.title).toBe("Shop");
    expect(Object.keys(doc.paths)).toEqual(["/", "/users/{id}", "/items/"]);
    const written = await vial(["openapi", "--out", "openapi.json"], dir);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain("Wrote the OpenAPI document to openapi.json");
  });

  test("an app without app.openapi() fails with what to do", async () => {
    const { code, stderr } = await vial(["openapi", "no-openapi.ts"], dir);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      "This app has no app.openapi(): the installed vial does not generate OpenAPI documents. Update vial (npm install vial@latest).",
    );
  });
});

describe.concurrent("bad input: one clear message, non-zero exit", () => {
  test("a missing app file", async () => {
    const { code, stderr } = await vial(["run", "nope.ts"], dir);
    expect(code).toBe(1);
    expect(stderr).toContain("App file 'nope.ts' not found (in ");
    expect(stderr).toContain("Check the path");
    expectNoStack(stderr);
  });

  test("no file given and none of the usual ones exists", async () => {
    const empty = project({});
    try {
      const { code, stderr } = await vial(["dev"], empty.dir);
      expect(code).toBe(1);
      expect(stderr).toContain("No app found in ");
      expect(stderr).toContain("looked for app.ts, app.js, main.ts, main.js, src/app.ts");
    } finally {
      empty.remove();
    }
  });

  test("a file that exports no app", async () => {
    const { code, stderr } = await vial(["routes", "lib.ts"], dir);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      "lib.ts exports no Vial app. Export it as `export const app = new App()` or `export default app`. Its exports: helper, util.",
    );
  });

  test("an export that is not there names the apps that are", async () => {
    const { code, stderr } = await vial(["routes", "--app", "server.ts:app"], dir);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("server.ts has no export 'app'. Apps it exports: api.");
  });

  test("a syntax error in a TypeScript app shows file:line and the line", async () => {
    const { code, stderr } = await vial(["run", "broken.ts", "--port", "0"], dir);
    expect(code).toBe(1);
    expect(stderr).toContain('SyntaxError in broken.ts:3:28: Unexpected ";"');
    expect(stderr).toContain("> 3 | export const app = new App(;");
    expectNoStack(stderr);
  });

  test("a syntax error in a JavaScript module is located too", async () => {
    const { code, stderr } = await vial(["routes", "broken-module.js"], dir);
    expect(code).toBe(1);
    expect(stderr).toContain("SyntaxError in broken-module.js:3:12:");
    expect(stderr).toContain("> 3 | const x = (;");
    expectNoStack(stderr);
  });

  test("an error thrown while loading points at its line; --debug adds the stack", async () => {
    const plain = await vial(["routes", "throws.ts"], dir);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("Error in throws.ts:3:7: the database is unreachable");
    expect(plain.stderr).toContain('> 3 | throw new Error("the database is unreachable");');
    expectNoStack(plain.stderr);
    const debug = await vial(["routes", "throws.ts", "--debug"], dir);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^\s+at .*throws\.ts:3:7/m);
  });

  test("invalid settings list every variable at once, secrets hidden", async () => {
    const { code, stderr } = await vial(["routes", "config.ts"], dir, { SHOP_API_TOKEN: "short" });
    expect(code).toBe(1);
    expect(stderr).toContain(
      "SettingsError in config.ts:2:23: Settings are not valid: 2 variables to fix",
    );
    expect(stderr).toContain("  SHOP_DATABASE_URL: missing: set it in the environment or in .env.");
    expect(stderr).toContain(
      "  SHOP_API_TOKEN: String should have at least 10 characters (value hidden: secret)",
    );
    expect(stderr).not.toContain("short");
  });

  test("the port already in use, with a free one suggested", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const { code, stderr } = await vial(
        ["run", "server.ts:api", "--host", "127.0.0.1", "--port", String(port)],
        dir,
      );
      expect(code).toBe(1);
      const match = stderr.match(
        /^Port (\d+) on 127\.0\.0\.1 is already in use \(another server is running there\?\)\. Stop it, or use a free port: --port (\d+)$/m,
      );
      expect(match?.[1], stderr).toBe(String(port));
      expect(Number(match?.[2])).not.toBe(port);
      expectNoStack(stderr);
    } finally {
      busy.close();
    }
  });

  test("an app module that listens itself is pointed out, not blamed on another server", async () => {
    const port = await freePort();
    const { code, stderr } = await vial(
      ["dev", "self.ts", "--host", "127.0.0.1", "--port", String(port)],
      dir,
      { SELF_PORT: String(port) },
    );
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `Port ${port} is taken by the app itself: self.ts starts a server when imported (app.listen()). Point vial at a module that exports the app without listening: vial starts the server.`,
    );
  });

  test("an unknown command shows the help and exits 2", async () => {
    const { code, stderr } = await vial(["serve"], dir);
    expect(code).toBe(2);
    expect(stderr).toContain("error: unknown command 'serve'");
    expect(stderr).toContain("Usage: vial [options] [command]");
    expect(stderr).toMatch(/dev \[options\] \[file\]/);
  });

  test("an unknown flag shows the command's help and exits 2", async () => {
    const { code, stderr } = await vial(["dev", "--prot", "8000"], dir);
    expect(code).toBe(2);
    expect(stderr).toContain("error: unknown option '--prot'");
    expect(stderr).toContain("(Did you mean --port?)");
    expect(stderr).toContain("Usage: vial dev [options] [file]");
  });

  test("a flag with a bad value says what it takes, exit 2", async () => {
    const { code, stderr } = await vial(["run", "--workers", "many"], dir);
    expect(code).toBe(2);
    expect(stderr).toContain("Use a number of workers (1 or more), or 'auto'.");
  });
});
