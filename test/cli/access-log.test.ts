import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { pino } from "pino";
import { App, createLogger, HTTPException } from "vial";
import { TestClient } from "vial/testing";
import { afterEach, describe, expect, test } from "vitest";

/** A pino logger whose lines land in `lines`, parsed. */
function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

function accessLines(lines: Record<string, unknown>[]) {
  return lines.filter((line) => "durationMs" in line);
}

function demoApp(options: { accessLog?: boolean } = {}) {
  const { logger, lines } = captureLogger();
  const app = new App({ logger, ...options });
  app.get("/users/{id}", ({ params }) => ({ id: params.id }));
  app.get("/missing", () => {
    throw new HTTPException(404, "Item not found");
  });
  app.get("/boom", () => {
    throw new Error("kaput");
  });
  return { app, lines };
}

const env = { ...process.env };
afterEach(() => {
  process.env = { ...env };
});

describe("access log", () => {
  test("one line per request with method, path, status, duration and request id", async () => {
    const { app, lines } = demoApp({ accessLog: true });
    const client = new TestClient(app);
    const res = await client.get("/users/42?token=secret");
    expect(res.status).toBe(200);
    const [line, ...rest] = accessLines(lines);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 30, method: "GET", path: "/users/42", status: 200 });
    expect(line!.durationMs).toBeTypeOf("number");
    expect(line!.msg).toMatch(/^GET \/users\/42 200 [\d.]+ms$/);
    // the query string (tokens!) never reaches the log
    expect(JSON.stringify(line)).not.toContain("secret");
    expect(line!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toBe(line!.requestId);
  });

  test("a client's X-Request-ID is kept, logged and returned", async () => {
    const { app, lines } = demoApp({ accessLog: true });
    const res = await new TestClient(app).get("/missing", {
      headers: { "x-request-id": "req-7f3a" },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe("req-7f3a");
    expect(accessLines(lines)[0]).toMatchObject({ requestId: "req-7f3a", status: 404 });
  });

  test("an X-Request-ID that is not a sane token is replaced by a new id", async () => {
    const { app } = demoApp({ accessLog: true });
    const res = await new TestClient(app).get("/users/1", {
      headers: { "x-request-id": "bad id with spaces" },
    });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("unmatched requests are logged with their status", async () => {
    const { app, lines } = demoApp({ accessLog: true });
    const client = new TestClient(app);
    await client.get("/nope");
    await client.post("/users/1");
    expect(accessLines(lines).map((l) => [l.method, l.path, l.status])).toEqual([
      ["GET", "/nope", 404],
      ["POST", "/users/1", 405],
    ]);
  });

  test("a 500 logs the error and the access line under the same request id", async () => {
    const { app, lines } = demoApp({ accessLog: true });
    const res = await new TestClient(app).get("/boom");
    expect(res.status).toBe(500);
    const id = res.headers.get("x-request-id");
    const error = lines.find((l) => l.level === 50);
    expect(error).toMatchObject({ requestId: id });
    expect(accessLines(lines)[0]).toMatchObject({ requestId: id, status: 500 });
  });

  test("off by default: no line and no X-Request-ID header", async () => {
    const { app, lines } = demoApp();
    const res = await new TestClient(app).get("/users/1");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBeNull();
    expect(lines).toEqual([]);
  });

  test("a 500 carries X-Request-ID even with the access log off", async () => {
    const { app, lines } = demoApp();
    const res = await new TestClient(app).get("/boom", { headers: { "x-request-id": "abc-1" } });
    expect(res.status).toBe(500);
    expect(res.headers.get("x-request-id")).toBe("abc-1");
    expect(lines[0]).toMatchObject({ requestId: "abc-1", level: 50 });
  });

  test("VIAL_ACCESS_LOG=1 turns it on; the option wins over the variable", async () => {
    process.env.VIAL_ACCESS_LOG = "1";
    const on = demoApp();
    await new TestClient(on.app).get("/users/1");
    expect(accessLines(on.lines)).toHaveLength(1);
    const off = demoApp({ accessLog: false });
    await new TestClient(off.app).get("/users/1");
    expect(accessLines(off.lines)).toHaveLength(0);
  });

  test("a VIAL_ACCESS_LOG that is not yes/no fails with the variable named", () => {
    process.env.VIAL_ACCESS_LOG = "maybe";
    expect(() => new App()).toThrow("VIAL_ACCESS_LOG='maybe' is not a yes/no value: use 1 or 0");
  });
});

describe("request cost when the access log is off", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  /** How many "close"/"finish" listeners the response has once the app has taken the request. */
  async function listenersAfterDispatch(accessLog: boolean): Promise<number> {
    const app = new App({ logger: false, accessLog });
    app.get("/", () => "ok");
    await app.startup();
    let count = -1;
    server = createServer((req, res) => {
      app.handler(req, res);
      count = res.listenerCount("close") + res.listenerCount("finish");
    });
    await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
    const { port } = server.address() as AddressInfo;
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      httpRequest({ port, host: "127.0.0.1", path: "/" }, (res) => {
        res.resume();
        resolve(res.headers);
      })
        .on("error", reject)
        .end();
    });
    expect("x-request-id" in headers).toBe(accessLog);
    return count;
  }

  test("no listener is added; with it on, exactly one", async () => {
    const off = await listenersAfterDispatch(false);
    await new Promise<void>((done) => server!.close(() => done()));
    server = undefined;
    const on = await listenersAfterDispatch(true);
    expect(on).toBe(off + 1);
  });
});

describe("a client that goes away", () => {
  test("is logged once, marked aborted", async () => {
    const { logger, lines } = captureLogger();
    const app = new App({ logger, accessLog: true });
    let release: (() => void) | undefined;
    app.get("/hang", () => new Promise<string>((resolve) => (release = () => resolve("late"))));
    const server = await app.listen(0);
    const { port } = server.address() as AddressInfo;
    const req = httpRequest({ port, host: "127.0.0.1", path: "/hang?x=1" });
    req.on("error", () => undefined).end();
    await until(() => release !== undefined);
    req.destroy();
    await until(() => accessLines(lines).length > 0);
    expect(accessLines(lines)).toEqual([
      expect.objectContaining({ method: "GET", path: "/hang", status: null, aborted: true }),
    ]);
    expect(accessLines(lines)[0]!.msg).toMatch(/^GET \/hang - [\d.]+ms \(client disconnected\)$/);
    release!();
    await app.close();
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("log level", () => {
  test("logLevel sets the default logger's level; VIAL_LOG_LEVEL is the default", () => {
    expect(new App({ logLevel: "warn" }).logger.level).toBe("warn");
    process.env.VIAL_LOG_LEVEL = "debug";
    expect(new App().logger.level).toBe("debug");
    expect(new App({ logLevel: "error" }).logger.level).toBe("error");
  });

  test("an unknown level fails with the levels listed", () => {
    process.env.VIAL_LOG_LEVEL = "loud";
    expect(() => new App()).toThrow(
      "VIAL_LOG_LEVEL 'loud' is not a log level: use one of fatal, error, warn, info, debug, trace, silent.",
    );
    expect(() => new App({ logLevel: "verbose" as never })).toThrow("logLevel 'verbose'");
  });

  test("VIAL_LOG_FORMAT=pretty writes readable lines instead of JSON", () => {
    process.env.VIAL_LOG_FORMAT = "pretty";
    const written: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    });
    createLogger({ level: "info", destination }).info({ requestId: "x" }, "GET / 200 1ms");
    const out = written.join("");
    expect(out).toContain("INFO");
    expect(out).toContain("GET / 200 1ms");
    expect(() => JSON.parse(out)).toThrow();
  });
});
