import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { get, project, until, Vial, write } from "./helpers.js";

const app = (text: string) => `import { App } from "vial";
import { greeting } from "./greeting.js";

export const app = new App();
app.get("/", () => greeting(${JSON.stringify(text)}));
app.get("/health", () => ({ ok: true }));
`;

const greeting = (word: string) =>
  `export const greeting = (text: string) => ${JSON.stringify(`${word} `)} + text;\n`;

let dir: string;
let remove: () => void;
let dev: Vial;

beforeAll(() => {
  ({ dir, remove } = project({
    "src/app.ts": app("v1"),
    "src/greeting.ts": greeting("hello"),
  }));
  dev = new Vial(["dev", "--port", "0"], dir);
});

afterAll(async () => {
  await dev.stop("SIGINT");
  remove();
});

test("prints the URL, /docs, /redoc and the route count, and serves the app", async () => {
  const [, url] = await dev.waitFor(/Vial dev server\s+(http:\/\/127\.0\.0\.1:\d+)\s+\(2 routes\)/);
  expect(dev.stdout).toContain(`API docs          ${url}/docs`);
  expect(dev.stdout).toContain(`ReDoc             ${url}/redoc`);
  expect(dev.stdout).toMatch(/App\s+src\/app\.ts/);
  const reply = await get(`${url}/`);
  expect(reply).toEqual({ status: 200, body: "hello v1" });
  // the access log, pretty: one line per request
  await dev.waitFor(/INFO.*GET \/ 200 [\d.]+ms/);
});

test("reloads on the same port when a file changes, imported files included", async () => {
  const [, url] = await dev.waitFor(/Vial dev server\s+(http:\/\/\S+)/);
  write(dir, "src/app.ts", app("v2"));
  await until(`${url}/`, (r) => r.body === "hello v2");
  await dev.waitFor(
    /Change in src\/app\.ts: reloading\.\.\.[\s\S]*Reloaded in \d+ ms \(2 routes\)\./,
  );
  write(dir, "src/greeting.ts", greeting("hi"));
  await until(`${url}/`, (r) => r.body === "hi v2");
});

test("a change that breaks the app shows file:line, and the next save recovers", async () => {
  const [, url] = await dev.waitFor(/Vial dev server\s+(http:\/\/\S+)/);
  const before = dev.output.length;
  const source = readFileSync(join(dir, "src/app.ts"), "utf8");
  write(dir, "src/app.ts", source.replace('app.get("/health"', 'app.get("/health",,'));
  const [message] = await dev.waitFor(/SyntaxError in src\/app\.ts:6:19: .+/, 20_000, before);
  expect(message).toBe('SyntaxError in src/app.ts:6:19: Unexpected ","');
  await dev.waitFor(/> 6 \| app\.get\("\/health",,/, 5_000, before);
  await dev.waitFor(/Waiting for a change to reload/, 5_000, before);
  expect(dev.output.slice(before)).not.toMatch(/^\s+at /m);
  write(dir, "src/app.ts", app("v3"));
  await until(`${url}/`, (r) => r.body === "hi v3");
});

test("Ctrl+C stops the server and its workers", async () => {
  const [, url] = await dev.waitFor(/Vial dev server\s+(http:\/\/\S+)/);
  expect(await dev.stop("SIGINT")).toBe(0);
  await expect(get(`${url}/health`)).rejects.toThrow(/ECONNREFUSED/);
});
