import { App, depends, HTTPException, Router, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

/** A dependency run for its effect: records its name. */
function marker(name: string, log: string[]) {
  return depends(() => {
    log.push(name);
  });
}

describe("deps at every level", () => {
  test("app, include, router and route deps all run, outermost first", async () => {
    const log: string[] = [];
    const app = new App({ deps: [marker("app", log)] });
    const router = new Router({ prefix: "/items", deps: [marker("router", log)] });
    router.get("/", { deps: [marker("route", log)] }, () => {
      log.push("handler");
      return "ok";
    });
    app.include(router, { deps: [marker("include", log)] });
    const res = await new TestClient(app).get("/items/");
    expect(res.text()).toBe("ok");
    expect(log).toEqual(["app", "include", "router", "route", "handler"]);
  });

  test("a router's deps record gives its routes the values by key", async () => {
    const app = new App();
    const tenant = depends(
      { headers: { x_tenant: z.string() } },
      ({ headers }) => headers.x_tenant,
    );
    const router = new Router({ prefix: "/t", deps: { tenant } });
    router.get("/whoami", ({ tenant }) => ({ tenant }));
    app.include(router);
    const client = new TestClient(app);
    expect((await client.get("/t/whoami", { headers: { "x-tenant": "acme" } })).json()).toEqual({
      tenant: "acme",
    });
    expect((await client.get("/t/whoami")).status).toBe(422);
  });

  test("the list form runs dependencies for their effect: a guard can refuse the request", async () => {
    const verifyKey = depends({ headers: { x_key: z.string() } }, ({ headers }) => {
      if (headers.x_key !== "fake-super-secret-key")
        throw new HTTPException(400, "X-Key header invalid");
    });
    const app = new App();
    const admin = new Router({ prefix: "/admin" });
    admin.get("/stats", () => ({ users: 3 }));
    app.include(admin, { deps: [verifyKey] });
    app.get("/public", () => "open");
    const client = new TestClient(app);
    expect((await client.get("/public")).text()).toBe("open");
    const refused = await client.get("/admin/stats", { headers: { "x-key": "nope" } });
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual({ detail: "X-Key header invalid" });
    const ok = await client.get("/admin/stats", { headers: { "x-key": "fake-super-secret-key" } });
    expect(ok.json()).toEqual({ users: 3 });
  });

  test("a dependency shared by the app level and the route runs once", async () => {
    let calls = 0;
    const counted = depends(() => ++calls);
    const app = new App({ deps: [counted] });
    app.get("/", { deps: { n: counted } }, ({ n }) => ({ n }));
    expect((await new TestClient(app).get("/")).json()).toEqual({ n: 1 });
    expect(calls).toBe(1);
  });

  test("nested routers add their deps in order", async () => {
    const log: string[] = [];
    const app = new App();
    const outer = new Router({ prefix: "/a", deps: [marker("outer", log)] });
    const inner = new Router({ prefix: "/b", deps: [marker("inner", log)] });
    inner.get("/c", () => "deep");
    outer.include(inner);
    app.include(outer);
    expect((await new TestClient(app).get("/a/b/c")).text()).toBe("deep");
    expect(log).toEqual(["outer", "inner"]);
  });

  test("deps that are not dependencies are refused at startup with the route named", async () => {
    const app = new App();
    app.get("/", { deps: [(() => 1) as never] }, () => "x");
    await expect(app.startup()).rejects.toThrow(
      "Route GET /: `deps` takes dependencies made with depends(), got function. Wrap the function: depends(fn).",
    );
  });
});
