import { App, ConfigurationError, depends, HTTPException, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

describe("dependency functions", () => {
  test("sync, async, sync generator and async generator functions give their value", async () => {
    const app = new App();
    const sync = depends(() => "sync");
    const asyncDep = depends(async () => "async");
    const syncGen = depends(function* () {
      yield "sync generator";
    });
    const asyncGen = depends(async function* () {
      yield "async generator";
    });
    app.get("/", { deps: { sync, asyncDep, syncGen, asyncGen } }, (ctx) => [
      ctx.sync,
      ctx.asyncDep,
      ctx.syncGen,
      ctx.asyncGen,
    ]);
    const res = await new TestClient(app).get("/");
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(["sync", "async", "sync generator", "async generator"]);
  });

  test("a dependency receives the request, response, background, state and app", async () => {
    const app = new App();
    const probe = depends(({ request, response, state, app: owner }) => {
      response.headers.set("x-probe", request.method);
      state.seen = true;
      return owner === app;
    });
    app.get("/", { deps: { probe } }, ({ probe, state }) => ({ probe, seen: state.seen }));
    const res = await new TestClient(app).get("/");
    expect(res.headers.get("x-probe")).toBe("GET");
    expect(res.json()).toEqual({ probe: true, seen: true });
  });

  test("depends(spec, fn) gives fn its validated inputs and sub-dependency values", async () => {
    const app = new App();
    const pagination = depends(
      { query: { skip: z.int().default(0), limit: z.int().max(100).default(10) } },
      ({ query }) => query,
    );
    const listing = depends({ page: pagination, headers: { x_user: z.string() } }, (args) => ({
      user: args.headers.x_user,
      ...args.page,
    }));
    app.get("/items", { deps: { listing } }, ({ listing }) => listing);
    const client = new TestClient(app);
    const res = await client.get("/items?skip=5", { headers: { "x-user": "ann" } });
    expect(res.json()).toEqual({ user: "ann", skip: 5, limit: 10 });
  });

  test("a generator that returns without yielding is a 500 naming the dependency", async () => {
    const app = new App();
    const broken = depends(async function* brokenDb() {
      if (Date.now() > 0) return;
      yield 1;
    });
    app.get("/", { deps: { broken } }, () => "unreachable");
    const client = new TestClient(app, { raiseServerExceptions: true });
    await expect(client.get("/")).rejects.toThrow(/brokenDb is a generator that returned/);
  });
});

describe("one evaluation per request", () => {
  test("a dependency used by two sub-dependencies and the route runs once per request", async () => {
    const app = new App();
    let calls = 0;
    const counter = depends(() => ++calls);
    const left = depends({ n: counter }, ({ n }) => `left${n}`);
    const right = depends({ n: counter }, ({ n }) => `right${n}`);
    app.get("/", { deps: { left, right, n: counter } }, ({ left, right, n }) => [left, right, n]);
    const client = new TestClient(app);
    expect((await client.get("/")).json()).toEqual(["left1", "right1", 1]);
    expect((await client.get("/")).json()).toEqual(["left2", "right2", 2]);
    expect(calls).toBe(2);
  });

  test("cache: false evaluates the dependency at every use", async () => {
    const app = new App();
    let calls = 0;
    const fresh = depends(() => ++calls, { cache: false });
    const a = depends({ v: fresh }, ({ v }) => v);
    const b = depends({ v: fresh }, ({ v }) => v);
    app.get("/", { deps: { a, b } }, ({ a, b }) => [a, b]);
    expect((await new TestClient(app).get("/")).json()).toEqual([1, 2]);
  });

  test("sub-dependencies are solved to any depth, each after what it uses", async () => {
    const app = new App();
    const order: string[] = [];
    let chain = depends(() => {
      order.push("d0");
      return 0;
    });
    for (let depth = 1; depth <= 12; depth++) {
      const below = chain;
      chain = depends({ below }, ({ below }) => {
        order.push(`d${depth}`);
        return below + 1;
      });
    }
    app.get("/", { deps: { depth: chain } }, ({ depth }) => ({ depth }));
    expect((await new TestClient(app).get("/")).json()).toEqual({ depth: 12 });
    expect(order).toEqual(Array.from({ length: 13 }, (_, i) => `d${i}`));
  });
});

describe("cycles", () => {
  test("a cycle is a startup error naming the cycle and the route", async () => {
    const app = new App();
    const spec: Record<string, unknown> = {};
    const a = depends(spec as {}, function userA() {
      return 1;
    });
    const b = depends({ a }, function userB() {
      return 2;
    });
    const c = depends({ b }, function userC() {
      return 3;
    });
    // Close the loop a -> c after the fact: depends() copies nothing, so the graph sees it.
    (a.subs as Record<string, unknown>).c = c;
    app.get("/loop", { deps: { c } }, () => "never");
    const startup = app.startup();
    await expect(startup).rejects.toThrow(ConfigurationError);
    await expect(startup).rejects.toThrow(
      "Route GET /loop: dependency cycle userC -> userB -> userA -> userC",
    );
  });
});

describe("errors in dependencies", () => {
  test("an HTTPException raised by a dependency becomes the response", async () => {
    const app = new App();
    const guard = depends(() => {
      throw new HTTPException(403, "Forbidden zone", { "x-reason": "guard" });
    });
    app.get("/", { deps: [guard] }, () => "never");
    const res = await new TestClient(app).get("/");
    expect(res.status).toBe(403);
    expect(res.headers.get("x-reason")).toBe("guard");
    expect(res.json()).toEqual({ detail: "Forbidden zone" });
  });

  test("a dependency that depends on a failing one is not called", async () => {
    const app = new App();
    let called = false;
    const token = depends({ headers: { x_token: z.string() } }, ({ headers }) => headers.x_token);
    const user = depends({ token }, ({ token }) => {
      called = true;
      return token;
    });
    app.get("/", { deps: { user } }, ({ user }) => user);
    const res = await new TestClient(app).get("/");
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([
      { type: "missing", loc: ["header", "x-token"], msg: "Field required", input: null },
    ]);
    expect(called).toBe(false);
  });
});
