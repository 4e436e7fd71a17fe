import { App, Router, z } from "vial";
import { describe, expect, test } from "vitest";
import { clientsFor, TRANSPORTS } from "../helpers.js";

describe.each(TRANSPORTS)("routing (%s)", (transport) => {
  const client = clientsFor(transport);

  test("every method function registers its method", async () => {
    const app = new App();
    for (const method of ["get", "post", "put", "patch", "delete", "options"] as const) {
      app[method]("/m", ({ request }) => ({ method: request.method }));
    }
    const c = client(app);
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const res = await c.request(method, "/m");
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ method });
    }
  });

  test("all() answers every standard method; route() the listed ones", async () => {
    const app = new App();
    app.all("/any", ({ request }) => request.method);
    app.route("/some", { methods: ["GET", "post"] }, ({ request }) => request.method);
    const c = client(app);
    expect((await c.delete("/any")).text()).toBe("DELETE");
    expect((await c.patch("/any")).text()).toBe("PATCH");
    expect((await c.post("/some")).text()).toBe("POST");
    const put = await c.put("/some");
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, HEAD, POST");
  });

  test("HEAD is answered for GET routes, with headers and no body", async () => {
    const app = new App();
    app.get("/h", () => ({ hello: "world" }));
    const res = await client(app).head("/h");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("content-length")).toBe(String('{"hello":"world"}'.length));
    expect(res.body.length).toBe(0);
  });

  test("an explicit HEAD route wins over the GET fallback", async () => {
    const app = new App();
    app.get("/h", () => "get");
    app.head("/h", ({ response }) => {
      response.headers.set("x-head", "1");
    });
    const res = await client(app).head("/h");
    expect(res.headers.get("x-head")).toBe("1");
  });

  test("unknown path: 404 {detail: Not Found}", async () => {
    const app = new App();
    const res = await client(app).get("/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.json()).toEqual({ detail: "Not Found" });
  });

  test("wrong method: 405 with Allow", async () => {
    const app = new App();
    app.get("/items/{id}", () => "x");
    app.delete("/items/{id}", () => undefined);
    const res = await client(app).post("/items/3");
    expect(res.status).toBe(405);
    expect(res.json()).toEqual({ detail: "Method Not Allowed" });
    expect(res.headers.get("allow")).toBe("GET, HEAD, DELETE");
  });

  test("/items and /items/ are different routes; the other form redirects 307, query kept", async () => {
    const app = new App();
    app.post("/items/", ({ request }) => `slash ${request.queryString}`);
    app.get("/things", () => "no slash");
    const c = client(app, { followRedirects: false });
    const res = await c.post("/items?a=1&b=2");
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("/items/?a=1&b=2");
    const back = await c.get("/things/");
    expect(back.status).toBe(307);
    expect(back.headers.get("location")).toBe("/things");
    const followed = await client(app).post("/items?a=1", { json: {} });
    expect(followed.status).toBe(200);
    expect(followed.text()).toBe("slash a=1");
    expect(followed.history.map((r) => r.status)).toEqual([307]);
  });

  test("path parameters are decoded strings without a schema", async () => {
    const app = new App();
    app.get("/users/{name}/files/{rest:path}", ({ params }) => params);
    const res = await client(app).get("/users/j%C3%B6rg%20k/files/a/b%2Fc.txt");
    expect(res.json()).toEqual({ name: "jörg k", rest: "a/b/c.txt" });
  });

  test("a params schema types the declared parameters; the others stay strings", async () => {
    const app = new App();
    app.get("/orgs/{org}/users/{id}", { params: { id: z.int() } }, ({ params }) => params);
    const res = await client(app).get("/orgs/acme/users/7");
    expect(res.json()).toEqual({ org: "acme", id: 7 });
  });

  test("an empty segment does not match a parameter", async () => {
    const app = new App();
    app.get("/users/{id}", () => "user");
    expect((await client(app).get("/users/")).status).toBe(404);
  });

  test("routers: prefix, nesting, include prefix", async () => {
    const app = new App();
    const items = new Router({ prefix: "/items" });
    items.get("/{id}", { params: { id: z.int() } }, ({ params }) => ({ id: params.id }));
    const api = new Router({ prefix: "/api" });
    api.include(items);
    app.include(api);
    app.include(items, { prefix: "/v2" });
    const c = client(app);
    expect((await c.get("/api/items/5")).json()).toEqual({ id: 5 });
    expect((await c.get("/v2/items/6")).json()).toEqual({ id: 6 });
    expect((await c.get("/items/6")).status).toBe(404);
  });

  test("routes added to a router after include are not brought in", async () => {
    const app = new App();
    const r = new Router();
    r.get("/before", () => "b");
    app.include(r);
    r.get("/after", () => "a");
    const c = client(app);
    expect((await c.get("/before")).status).toBe(200);
    expect((await c.get("/after")).status).toBe(404);
  });

  test("routes added after the first request are served (the table recompiles)", async () => {
    const app = new App();
    app.get("/a", () => "a");
    const c = client(app);
    expect((await c.get("/a")).status).toBe(200);
    app.get("/b", () => "b");
    expect((await c.get("/b")).text()).toBe("b");
  });

  test("mount serves another App under a prefix, with its own 404 and handlers", async () => {
    const sub = new App();
    sub.get("/", () => ({ sub: "root" }));
    sub.get("/items/{id}", { params: { id: z.int() } }, ({ params }) => ({ id: params.id }));
    const app = new App();
    app.get("/", () => ({ main: true }));
    app.mount("/v1", sub);
    const c = client(app);
    expect((await c.get("/v1")).json()).toEqual({ sub: "root" });
    expect((await c.get("/v1/items/3?x=1")).json()).toEqual({ id: 3 });
    expect((await c.get("/v1/items/x")).status).toBe(422);
    expect((await c.get("/v1/nope")).json()).toEqual({ detail: "Not Found" });
    expect((await c.get("/")).json()).toEqual({ main: true });
  });

  test("mount also takes a plain node request listener, seeing the rest of the path", async () => {
    const app = new App();
    app.mount("/legacy", (req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`legacy saw ${req.url}`);
    });
    const res = await client(app).get("/legacy/a/b?q=1");
    expect(res.text()).toBe("legacy saw /a/b?q=1");
  });
});

describe("registration mistakes fail loudly, naming the route", () => {
  test.each([
    [
      (app: App) => app.get("/a/{id}", { params: { idd: z.int() } }, () => 1),
      /GET \/a\/\{id\}.*'idd'.*no \{idd\}/,
    ],
    [
      (app: App) => app.get("/a", { respnse: z.string() } as never, () => 1),
      /GET \/a: unknown option 'respnse'.*'response'/,
    ],
    [
      (app: App) => app.post("/a", { body: z.object({}), form: { a: z.string() } }, () => 1),
      /both `body`.*`form`/,
    ],
    [
      (app: App) =>
        app.get("/a/{id}", { params: { id: z.int() }, query: { id: z.int() } }, () => 1),
      /'id' twice/,
    ],
    [(app: App) => app.get("/a", undefined as never), /handler must be a function/],
    [(app: App) => app.route("/a", { methods: [] }, () => 1), /at least one method/],
    [
      (app: App) => app.route("/a", { methods: ["FETCH"] }, () => 1),
      /'FETCH' is not an HTTP method/,
    ],
    [
      (app: App) => app.get("/a", { query: z.string() }, () => 1),
      /`query` must be an object schema/,
    ],
  ])("%#", (register, message) => {
    expect(() => register(new App())).toThrow(message);
  });

  test("the same method and path twice fails when the app compiles", async () => {
    const app = new App();
    app.get("/a", () => 1);
    app.get("/a", () => 2);
    await expect(app.startup()).rejects.toThrow(/GET \/a is registered twice/);
  });
});
