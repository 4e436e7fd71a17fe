import { request } from "node:http";
import { afterAll, beforeAll, expect, test } from "vitest";
import { get, project, until, Vial } from "./helpers.js";

const APP = `import { App, z } from "vial";

export const app = new App();
app.get("/pid", () => ({ pid: process.pid }));
app.get("/crash", () => {
  setImmediate(() => process.exit(3));
  return "bye";
});
app.get("/slow", { query: { ms: z.int() } }, async ({ query }) => {
  app.logger.info({ slow: true }, "slow request started");
  await new Promise((resolve) => setTimeout(resolve, query.ms));
  return "done";
});
`;

let dir: string;
let remove: () => void;
let server: Vial;
let url: string;

beforeAll(async () => {
  ({ dir, remove } = project({ "app.ts": APP }));
  server = new Vial(["run", "--workers", "2", "--host", "127.0.0.1", "--port", "0"], dir);
  const [line] = await server.waitFor(/^\{.*"msg":"Serving with 2 workers.*$/m);
  url = `http://127.0.0.1:${JSON.parse(line).port}`;
});

afterAll(async () => {
  await server.stop("SIGKILL");
  remove();
});

/** The PIDs answering `n` requests, each on its own connection. */
async function pids(n: number): Promise<Set<number>> {
  const replies = await Promise.all(Array.from({ length: n }, () => get(`${url}/pid`)));
  return new Set(replies.map((r) => (JSON.parse(r.body) as { pid: number }).pid));
}

test("--workers 2 answers from two processes, logging JSON lines", async () => {
  expect((await pids(8)).size).toBe(2);
  const access = server.stdout.split("\n").filter((l) => l.includes('"path":"/pid"'));
  expect(JSON.parse(access[0]!)).toMatchObject({ method: "GET", path: "/pid", status: 200 });
});

test("a worker that crashes is replaced", async () => {
  const before = await pids(8);
  const from = server.output.length;
  expect((await get(`${url}/crash`)).body).toBe("bye");
  await server.waitFor(/"msg":"Worker \d+ exited \(code 3\); starting a new one"/, 10_000, from);
  const after = await until(`${url}/pid`, (r) => !before.has(JSON.parse(r.body).pid));
  expect(after.status).toBe(200);
  expect((await pids(8)).size).toBe(2);
});

test("SIGHUP replaces every worker, one at a time", async () => {
  const before = await pids(8);
  const from = server.output.length;
  server.child.kill("SIGHUP");
  await server.waitFor(/"msg":"Reloaded"/, 20_000, from);
  const after = await pids(8);
  expect(after.size).toBe(2);
  for (const pid of after) expect(before.has(pid)).toBe(false);
});

/** A GET whose outcome is kept: answered (status, body) or the connection error's code. */
function attempt(path: string): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    request(`${url}${path}`, { agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode, body }));
      res.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code }));
    })
      .on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? "error" }))
      .end();
  });
}

test("SIGTERM during load: every accepted request is answered, then it exits 0", async () => {
  const sent = 40;
  const from = server.output.length;
  const load = Array.from({ length: sent }, () => attempt("/slow?ms=600"));
  // every request has reached a worker before the signal
  await server.waitForCount('"msg":"slow request started"', sent, 15_000, from);
  server.child.kill("SIGTERM");
  await server.waitFor(/"msg":"Shutting down: finishing the requests in progress"/, 5_000, from);
  const late = await attempt("/pid");
  const replies = await Promise.all(load);
  const answered = replies.filter((r) => r.status === 200 && r.body === "done").length;
  expect({ sent, answered }).toEqual({ sent, answered: sent });
  // a connection after the signal is refused, not accepted and dropped
  expect(late.error ?? "answered").toMatch(/ECONNREFUSED|answered/);
  expect(await server.exited).toBe(0);
  expect(server.stdout).toMatch(/"msg":"Stopped"/);
});
