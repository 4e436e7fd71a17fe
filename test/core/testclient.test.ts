import { App, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";
import { clientsFor, TRANSPORTS } from "../helpers.js";

describe.each(TRANSPORTS)("TestClient (%s)", (transport) => {
  const client = clientsFor(transport);

  test("keeps cookies across requests, adds per-request ones, forgets expired ones", async () => {
    const app = new App();
    app.post("/login", ({ response }) => {
      response.setCookie("sid", "s1");
      return "in";
    });
    app.post("/logout", ({ response }) => {
      response.deleteCookie("sid");
      return "out";
    });
    app.get(
      "/who",
      { cookies: { sid: z.string().optional(), extra: z.string().optional() } },
      ({ cookies }) => cookies,
    );
    const c = client(app);
    await c.post("/login");
    expect((await c.get("/who", { cookies: { extra: "e" } })).json()).toEqual({
      sid: "s1",
      extra: "e",
    });
    await c.post("/logout");
    expect((await c.get("/who")).json()).toEqual({});
  });

  test("default headers, query merged into the path's query", async () => {
    const app = new App();
    app.get(
      "/q",
      { query: { a: z.string(), b: z.array(z.int()) }, headers: { x_app: z.string() } },
      ({ query, headers }) => ({
        ...query,
        app: headers.x_app,
      }),
    );
    const c = client(app, { headers: { "x-app": "test" } });
    expect((await c.get("/q?a=1", { query: { b: [1, 2] } })).json()).toEqual({
      a: "1",
      b: [1, 2],
      app: "test",
    });
  });

  test("a raw body is sent without a content type", async () => {
    const app = new App();
    app.post("/raw", async ({ request }) => ({
      type: request.headers["content-type"] ?? null,
      text: await request.text(),
    }));
    const res = await client(app).post("/raw", { body: "a=1" });
    expect(res.json()).toEqual({ type: null, text: "a=1" });
  });

  test("303 after a POST is followed with a GET, without the body", async () => {
    const app = new App();
    app.post("/submit", ({ response }) => {
      response.status = 303;
      response.headers.set("location", "/thanks");
    });
    app.get("/thanks", ({ request }) => `thanks via ${request.method}`);
    const res = await client(app).post("/submit", { json: { a: 1 } });
    expect(res.text()).toBe("thanks via GET");
    expect(res.url).toBe("/thanks");
  });

  test("json() on a non-JSON body says what it got", async () => {
    const app = new App();
    app.get("/", () => "plain");
    const res = await client(app).get("/");
    expect(() => res.json()).toThrow(/not JSON \(status 200\): plain/);
  });

  test("background tasks have run when the response is returned", async () => {
    const app = new App();
    const done: number[] = [];
    app.post("/process", ({ background }) => {
      background.add(async (n: number) => {
        await new Promise((r) => setTimeout(r, 20));
        done.push(n);
      }, 42);
      return { message: "Processing started" };
    });
    const res = await client(app).post("/process");
    expect(res.json()).toEqual({ message: "Processing started" });
    expect(done).toEqual([42]);
  });
});

describe("TestClient options", () => {
  test("raiseServerExceptions rethrows the handler's error in the test", async () => {
    const app = new App();
    app.get("/", () => {
      throw new RangeError("the real cause");
    });
    await expect(new TestClient(app, { raiseServerExceptions: true }).get("/")).rejects.toThrow(
      "the real cause",
    );
    expect((await new TestClient(app).get("/")).status).toBe(500);
  });
});
