import { App, ConfigurationError, depends, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

describe("app-scoped dependencies", () => {
  test("are made once for the app, shared by requests, and torn down at app.close()", async () => {
    const log: string[] = [];
    let made = 0;
    const pool = depends(
      async function* () {
        made++;
        log.push("open pool");
        yield { id: made };
        log.push("close pool");
      },
      { scope: "app" },
    );
    const app = new App();
    app.get("/", { deps: { pool } }, ({ pool }) => pool);
    const client = new TestClient(app);
    expect((await client.get("/")).json()).toEqual({ id: 1 });
    expect((await client.get("/")).json()).toEqual({ id: 1 });
    expect(made).toBe(1);
    expect(log).toEqual(["open pool"]); // not after each request
    await app.close();
    expect(log).toEqual(["open pool", "close pool"]);
  });

  test("app.shutdown() tears them down too, and a new start makes a new one", async () => {
    let made = 0;
    const closed: number[] = [];
    const client = depends(
      function* () {
        const id = ++made;
        yield id;
        closed.push(id);
      },
      { scope: "app" },
    );
    const app = new App();
    app.get("/", { deps: { client } }, ({ client }) => ({ client }));
    const http = new TestClient(app);
    expect((await http.get("/")).json()).toEqual({ client: 1 });
    await app.shutdown();
    expect(closed).toEqual([1]);
    expect((await http.get("/")).json()).toEqual({ client: 2 });
    await app.shutdown();
    expect(closed).toEqual([1, 2]);
  });

  test("an app-scoped dependency may use other app-scoped ones", async () => {
    const config = depends(() => ({ url: "db://x" }), { scope: "app" });
    const pool = depends({ config }, ({ config }) => `pool for ${config.url}`, { scope: "app" });
    const app = new App();
    app.get("/", { deps: { pool } }, ({ pool }) => pool);
    expect((await new TestClient(app).get("/")).text()).toBe("pool for db://x");
  });

  test("an app-scoped dependency using a request-scoped one is a startup error", async () => {
    const perRequest = depends(function currentUser() {
      return "ann";
    });
    const cache = depends(
      { user: perRequest },
      function userCache({ user }) {
        return user;
      },
      { scope: "app" },
    );
    const app = new App();
    app.get("/", { deps: { cache } }, () => "x");
    const startup = app.startup();
    await expect(startup).rejects.toThrow(ConfigurationError);
    await expect(startup).rejects.toThrow(
      "Route GET /: app-scoped dependency userCache uses request-scoped currentUser",
    );
  });

  test("an app-scoped dependency cannot declare request inputs", () => {
    expect(() =>
      depends({ query: { q: z.string() } }, ({ query }) => query, { scope: "app" }),
    ).toThrow(/has scope "app" but reads request inputs \(query\)/);
  });
});

describe("app.resolve", () => {
  test("gives the shared value of an app-scoped dependency, in the lifespan too", async () => {
    let made = 0;
    const settings = depends(() => ({ n: ++made }), { scope: "app" });
    const seen: unknown[] = [];
    const app = new App({
      lifespan: async function* (app) {
        seen.push(await app.resolve(settings));
        yield {};
      },
    });
    app.get("/", { deps: { settings } }, ({ settings }) => settings);
    const res = await new TestClient(app).get("/");
    expect(res.json()).toEqual({ n: 1 });
    expect(seen).toEqual([{ n: 1 }]);
    expect(await app.resolve(settings)).toEqual({ n: 1 });
    expect(made).toBe(1);
    await app.close();
  });

  test("evaluates a request-scoped dependency now, its sub-dependencies too, and tears it down at close()", async () => {
    const log: string[] = [];
    const config = depends(() => "cfg");
    const db = depends({ config }, async function* ({ config }) {
      log.push(`open ${config}`);
      yield `db(${config})`;
      log.push("close db");
    });
    const app = new App();
    expect(await app.resolve(db)).toBe("db(cfg)");
    expect(await app.resolve(db)).toBe("db(cfg)"); // a new evaluation each time
    expect(log).toEqual(["open cfg", "open cfg"]);
    await app.close(); // works in a script that never started the app
    expect(log).toEqual(["open cfg", "open cfg", "close db", "close db"]);
  });

  test("follows dependencyOverrides", async () => {
    const db = depends(() => "real");
    const app = new App();
    app.dependencyOverrides.set(db, () => "fake");
    expect(await app.resolve(db)).toBe("fake");
  });

  test("refuses a dependency that reads request inputs, saying why", async () => {
    const paging = depends({ query: { skip: z.int() } }, function paging({ query }) {
      return query;
    });
    await expect(new App().resolve(paging)).rejects.toThrow(
      "app.resolve(paging): it reads request inputs (query), which only exist during a request.",
    );
  });
});
