import { App, HTTPException, JSONResponse, Router, z } from "vial";
import { describe, expect, test } from "vitest";
import { clientsFor, TRANSPORTS } from "../helpers.js";

describe.each(TRANSPORTS)("middleware (%s)", (transport) => {
  const client = clientsFor(transport);

  test("runs as an onion: first added is outermost; next() gives the response to change", async () => {
    const app = new App();
    const trail: string[] = [];
    app.use(async (_ctx, next) => {
      trail.push("a in");
      const res = await next();
      trail.push("a out");
      res.headers.set("x-took", "1");
      return res;
    });
    app.use(async (_ctx, next) => {
      trail.push("b in");
      const res = await next();
      trail.push("b out");
      return res;
    });
    app.get("/", () => {
      trail.push("handler");
      return { ok: true };
    });
    const res = await client(app).get("/");
    expect(res.headers.get("x-took")).toBe("1");
    expect(res.json()).toEqual({ ok: true });
    expect(trail).toEqual(["a in", "b in", "handler", "b out", "a out"]);
  });

  test("sees 404, 405 and validation errors as responses", async () => {
    const app = new App();
    app.use(async (_ctx, next) => {
      const res = await next();
      res.headers.set("x-seen", String(res.status));
      return res;
    });
    app.get("/n/{id}", { params: { id: z.int() } }, () => 1);
    const c = client(app);
    expect((await c.get("/missing")).headers.get("x-seen")).toBe("404");
    expect((await c.post("/n/1")).headers.get("x-seen")).toBe("405");
    expect((await c.get("/n/x")).headers.get("x-seen")).toBe("422");
  });

  test("can answer without calling next, and share state with the handler", async () => {
    const app = new App();
    app.use((ctx, next) => {
      if (ctx.request.headers["x-key"] !== "k")
        return new JSONResponse({ detail: "no key" }, { status: 401 });
      ctx.state.user = "ann";
      return next();
    });
    app.get("/me", ({ state }) => ({ user: state.user }));
    const c = client(app);
    expect((await c.get("/me")).status).toBe(401);
    expect((await c.get("/me", { headers: { "x-key": "k" } })).json()).toEqual({ user: "ann" });
  });

  test("may return any handler value, and nothing after calling next()", async () => {
    const app = new App();
    app.use(async (ctx, next) => {
      if (ctx.request.path === "/short") return { short: true };
      await next();
    });
    app.get("/long", () => "long");
    const c = client(app);
    expect((await c.get("/short")).json()).toEqual({ short: true });
    expect((await c.get("/long")).text()).toBe("long");
  });

  test("an unhandled error passes through middleware, which can catch it", async () => {
    const app = new App();
    app.use(async (_ctx, next) => {
      try {
        return await next();
      } catch (error) {
        return new JSONResponse({ caught: (error as Error).message }, { status: 503 });
      }
    });
    app.get("/boom", () => {
      throw new Error("down");
    });
    app.get("/http", () => {
      throw new HTTPException(409, "conflict");
    });
    const c = client(app);
    expect((await c.get("/boom")).json()).toEqual({ caught: "down" });
    const res = await c.get("/http");
    expect([res.status, res.json()]).toEqual([409, { detail: "conflict" }]);
  });

  test("router middleware wraps only that router's routes, inside the app's", async () => {
    const app = new App();
    const trail: string[] = [];
    app.use(async (_ctx, next) => {
      trail.push("app");
      return next();
    });
    const admin = new Router({ prefix: "/admin" });
    admin.use(async (_ctx, next) => {
      trail.push("admin");
      return next();
    });
    admin.get("/", () => "admin");
    app.include(admin);
    app.get("/", () => "home");
    app.get(
      "/route",
      {
        middleware: [
          async (_ctx, next) => {
            trail.push("route");
            return next();
          },
        ],
      },
      () => "r",
    );
    const c = client(app);
    await c.get("/admin/");
    expect(trail).toEqual(["app", "admin"]);
    trail.length = 0;
    await c.get("/");
    expect(trail).toEqual(["app"]);
    trail.length = 0;
    await c.get("/route");
    expect(trail).toEqual(["app", "route"]);
  });

  test("calling next() twice is an error", async () => {
    const app = new App();
    app.use(async (_ctx, next) => {
      await next();
      return next();
    });
    app.get("/", () => 1);
    expect((await client(app).get("/")).status).toBe(500);
  });

  test("middleware added after the first request applies from the next one", async () => {
    const app = new App();
    app.get("/", () => "x");
    const c = client(app);
    expect((await c.get("/")).headers.get("x-late")).toBeNull();
    app.use(async (_ctx, next) => {
      const res = await next();
      res.headers.set("x-late", "yes");
      return res;
    });
    expect((await c.get("/")).headers.get("x-late")).toBe("yes");
  });
});
