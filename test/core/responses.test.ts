import { Readable } from "node:stream";
import {
  App,
  FileResponse,
  HTMLResponse,
  JSONResponse,
  PlainTextResponse,
  RedirectResponse,
  Router,
  StreamingResponse,
  VialResponse,
  z,
} from "vial";
import { describe, expect, test } from "vitest";
import { clientsFor, memoryLogger, TRANSPORTS } from "../helpers.js";

describe.each(TRANSPORTS)("responses (%s)", (transport) => {
  const client = clientsFor(transport);

  test("objects, arrays, numbers, booleans and null are JSON; strings are text", async () => {
    const app = new App();
    const values: Record<string, unknown> = {
      obj: { a: 1 },
      arr: [1, "x"],
      num: 4.5,
      bool: false,
      nil: null,
    };
    for (const [name, value] of Object.entries(values)) app.get(`/${name}`, () => value);
    app.get("/str", () => "hello");
    const c = client(app);
    for (const [name, value] of Object.entries(values)) {
      const res = await c.get(`/${name}`);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.json()).toEqual(value);
    }
    const text = await c.get("/str");
    expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(text.text()).toBe("hello");
  });

  test("undefined: an empty body with 204, or with the route status", async () => {
    const app = new App();
    app.delete("/a", () => undefined);
    app.post("/b", { status: 202 }, async () => {});
    const c = client(app);
    const a = await c.delete("/a");
    expect(a.status).toBe(204);
    expect(a.body.length).toBe(0);
    const b = await c.post("/b");
    expect(b.status).toBe(202);
    expect(b.text()).toBe("");
  });

  test("bytes are application/octet-stream", async () => {
    const app = new App();
    app.get("/bin", () => new Uint8Array([1, 2, 3]));
    const res = await client(app).get("/bin");
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect([...res.body]).toEqual([1, 2, 3]);
  });

  test("the status option sets the success status", async () => {
    const app = new App();
    app.post("/items", { status: 201 }, () => ({ ok: true }));
    expect((await client(app).post("/items")).status).toBe(201);
  });

  test("response classes are sent as they are", async () => {
    const app = new App();
    app.get("/json", () => new JSONResponse({ a: 1 }, { status: 202, headers: { "x-a": "1" } }));
    app.get("/html", () => new HTMLResponse("<h1>Hi</h1>"));
    app.get("/text", () => new PlainTextResponse("plain", { status: 418 }));
    app.get("/raw", () => new VialResponse(new Uint8Array([65]), { mediaType: "image/png" }));
    const c = client(app);
    const json = await c.get("/json");
    expect([json.status, json.headers.get("x-a"), json.json()]).toEqual([202, "1", { a: 1 }]);
    const html = await c.get("/html");
    expect([html.headers.get("content-type"), html.text()]).toEqual([
      "text/html; charset=utf-8",
      "<h1>Hi</h1>",
    ]);
    expect((await c.get("/text")).status).toBe(418);
    const raw = await c.get("/raw");
    expect([raw.headers.get("content-type"), raw.text()]).toEqual(["image/png", "A"]);
  });

  test("RedirectResponse: 307 by default, any status given", async () => {
    const app = new App();
    app.get("/old", () => new RedirectResponse("/new"));
    app.post("/form", () => new RedirectResponse("/done", { status: 303 }));
    app.get("/new", () => "new");
    app.get("/done", () => "done");
    const c = client(app, { followRedirects: false });
    const old = await c.get("/old");
    expect([old.status, old.headers.get("location")]).toEqual([307, "/new"]);
    expect((await c.post("/form")).status).toBe(303);
    const followed = await client(app).post("/form");
    expect([followed.status, followed.text()]).toEqual([200, "done"]);
  });

  test("a web Response is sent as is, cookies included", async () => {
    const app = new App();
    app.get("/web", () => {
      const headers = new Headers({ "content-type": "text/csv" });
      headers.append("set-cookie", "a=1");
      headers.append("set-cookie", "b=2");
      return new Response("x,y\n1,2\n", { status: 201, headers });
    });
    const res = await client(app).get("/web");
    expect([res.status, res.headers.get("content-type"), res.text()]).toEqual([
      201,
      "text/csv",
      "x,y\n1,2\n",
    ]);
    expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
  });

  test("ctx.response sets status, headers and cookies on any result", async () => {
    const app = new App();
    app.post("/login", ({ response }) => {
      response.status = 201;
      response.headers.set("x-trace", "t1");
      response.setCookie("session", "abc", { httpOnly: true, maxAge: 60 });
      return { ok: true };
    });
    app.get("/logout", ({ response }) => {
      response.deleteCookie("session");
      return new HTMLResponse("bye", { headers: { "x-trace": "mine" } });
    });
    const c = client(app);
    const res = await c.post("/login");
    expect(res.status).toBe(201);
    expect(res.headers.get("x-trace")).toBe("t1");
    expect(res.headers.getSetCookie()).toEqual(["session=abc; Max-Age=60; Path=/; HttpOnly"]);
    expect(c.cookies.get("session")).toBe("abc");
    const out = await c.get("/logout");
    expect(out.headers.get("x-trace")).toBe("mine");
    expect(out.headers.getSetCookie()[0]).toMatch(
      /^session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970/,
    );
    expect(c.cookies.get("session")).toBeUndefined();
  });

  test("a response schema filters undeclared fields and applies defaults", async () => {
    const app = new App();
    const Out = z.object({
      username: z.string(),
      description: z.string().nullable().default(null),
      tags: z.array(z.string()).default([]),
    });
    app.get("/u", { response: Out }, () => ({ username: "ann", password: "secret" }) as never);
    const res = await client(app).get("/u");
    expect(res.json()).toEqual({ username: "ann", description: null, tags: [] });
  });

  test("the filter also applies in production mode, where the response is not validated", async () => {
    const app = new App({ debug: false });
    app.get(
      "/u",
      { response: z.object({ username: z.string(), tags: z.array(z.string()).default([]) }) },
      () =>
        ({
          username: "ann",
          hash: "x",
        }) as never,
    );
    expect((await client(app).get("/u")).json()).toEqual({ username: "ann", tags: [] });
  });

  test("in development a response that breaks its schema is a 500 with a clear log line", async () => {
    const logger = memoryLogger();
    const app = new App({ logger, debug: true });
    app.get("/bad", { response: z.object({ id: z.int() }) }, () => ({ id: "seven" }) as never);
    const res = await client(app).get("/bad");
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ detail: "Internal Server Error" });
    const line = logger.lines.find((l) => l.level === "error");
    expect(String((line?.obj.err as Error | undefined)?.message)).toMatch(
      /GET \/bad does not match its `response` schema:\n {2}response.id: Input should be a valid integer/,
    );
  });

  test("response schemas with transforms are applied", async () => {
    const app = new App({ debug: false });
    app.get(
      "/when",
      { response: z.object({ at: z.date().transform((d) => d.toISOString().slice(0, 10)) }) },
      () => ({
        at: new Date("2026-11-25T10:00:00Z"),
      }),
    );
    expect((await client(app).get("/when")).json()).toEqual({ at: "2026-11-25" });
  });

  test("StreamingResponse streams async iterables, node Readables and web streams", async () => {
    const app = new App();
    app.get(
      "/gen",
      () =>
        new StreamingResponse(
          (async function* () {
            yield "a";
            yield Buffer.from("b");
          })(),
          { mediaType: "text/plain" },
        ),
    );
    app.get("/node", () => new StreamingResponse(Readable.from(["x", "y"])));
    app.get("/web", () => new StreamingResponse(new Blob(["w1", "w2"]).stream()));
    const c = client(app);
    const gen = await c.get("/gen");
    expect([gen.headers.get("content-type"), gen.text()]).toEqual([
      "text/plain; charset=utf-8",
      "ab",
    ]);
    expect((await c.get("/node")).text()).toBe("xy");
    expect((await c.get("/web")).text()).toBe("w1w2");
  });

  test("an async generator handler streams JSON Lines", async () => {
    const app = new App();
    app.get("/events", async function* () {
      yield { n: 1 };
      yield { n: 2 };
    });
    const res = await client(app).get("/events");
    expect(res.headers.get("content-type")).toBe("application/jsonl");
    expect(res.text()).toBe('{"n":1}\n{"n":2}\n');
  });

  test("FileResponse sends a file with its type, size and a download name", async () => {
    const app = new App();
    app.get("/pkg", () => new FileResponse("package.json", { filename: "package (copy).json" }));
    const res = await client(app).get("/pkg");
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.json().name).toBe("vial");
    expect(Number(res.headers.get("content-length"))).toBe(res.body.length);
    expect(res.headers.get("content-disposition")).toBe(
      "attachment; filename*=UTF-8''package%20(copy).json",
    );
    expect(res.headers.get("last-modified")).toMatch(/GMT$/);
  });

  test("responseClass wraps plain return values; a router sets it for its routes", async () => {
    const app = new App();
    app.get("/page", { responseClass: HTMLResponse, status: 201 }, () => "<h1>Hi</h1>");
    app.get("/json-anyway", { responseClass: HTMLResponse }, () => new JSONResponse({ a: 1 }));
    const pages = new Router({ prefix: "/pages", responseClass: PlainTextResponse });
    pages.get("/a", () => "plain a");
    pages.get("/b", { responseClass: HTMLResponse }, () => "<b>b</b>");
    app.include(pages);
    const c = client(app);
    const page = await c.get("/page");
    expect([page.status, page.headers.get("content-type"), page.text()]).toEqual([
      201,
      "text/html; charset=utf-8",
      "<h1>Hi</h1>",
    ]);
    expect((await c.get("/json-anyway")).json()).toEqual({ a: 1 });
    expect((await c.get("/pages/a")).headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect((await c.get("/pages/b")).headers.get("content-type")).toBe("text/html; charset=utf-8");
    const doc = app.openapi() as unknown as {
      paths: Record<string, { get: { responses: Record<string, { content: unknown }> } }>;
    };
    expect(doc.paths["/page"]!.get.responses["201"]!.content).toEqual({
      "text/html": { schema: { type: "string" } },
    });
  });

  test("returning a function is a 500 that names the route", async () => {
    const logger = memoryLogger();
    const app = new App({ logger });
    app.get("/fn", () => () => 1);
    expect((await client(app).get("/fn")).status).toBe(500);
    const line = logger.lines.find((l) => l.level === "error");
    expect(String((line?.obj.err as Error | undefined)?.message)).toMatch(
      /GET \/fn returned a function/,
    );
  });
});
