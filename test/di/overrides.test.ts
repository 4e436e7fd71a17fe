import { App, depends, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

describe("app.dependencyOverrides", () => {
  test("replaces a dependency with a plain function or another dependency", async () => {
    const app = new App();
    const getDb = depends(() => "real db");
    const user = depends({ db: getDb }, ({ db }) => `user from ${db}`);
    app.get("/", { deps: { user } }, ({ user }) => user);
    const client = new TestClient(app);
    expect((await client.get("/")).text()).toBe("user from real db");

    app.dependencyOverrides.set(getDb, () => "fake db");
    expect((await client.get("/")).text()).toBe("user from fake db");

    const fakeWithInput = depends({ query: { name: z.string() } }, ({ query }) => query.name);
    app.dependencyOverrides.set(getDb, fakeWithInput);
    expect((await client.get("/?name=memory")).text()).toBe("user from memory");
    expect((await client.get("/")).status).toBe(422);

    app.dependencyOverrides.delete(getDb);
    expect((await client.get("/")).text()).toBe("user from real db");
  });

  test("overriding a generator dependency skips its set-up and tear-down", async () => {
    const app = new App();
    const log: string[] = [];
    const getDb = depends(async function* () {
      log.push("connect");
      yield "real";
      log.push("disconnect");
    });
    app.get("/", { deps: { db: getDb } }, ({ db }) => db);
    app.dependencyOverrides.set(getDb, () => "fake");
    expect((await new TestClient(app).get("/")).text()).toBe("fake");
    expect(log).toEqual([]);
  });

  test("clear() restores every dependency on the next request", async () => {
    const app = new App();
    const a = depends(() => "a");
    const b = depends(() => "b");
    app.get("/", { deps: { a, b } }, ({ a, b }) => a + b);
    app.dependencyOverrides.set(a, () => "A");
    app.dependencyOverrides.set(b, () => "B");
    const client = new TestClient(app);
    expect((await client.get("/")).text()).toBe("AB");
    app.dependencyOverrides.clear();
    expect((await client.get("/")).text()).toBe("ab");
  });

  test("a route-level dependency used only for its effect can be overridden", async () => {
    const app = new App();
    const guard = depends(() => {
      throw new Error("no network in tests");
    });
    app.get("/", { deps: [guard] }, () => "ok");
    app.dependencyOverrides.set(guard, () => undefined);
    expect((await new TestClient(app).get("/")).text()).toBe("ok");
  });
});
