import type { AddressInfo } from "node:net";
import { App, depends, HTTPException, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

/** A generator dependency that records its set-up, tear-down and any error thrown into it. */
function tracked(name: string, log: string[]) {
  return depends(async function* () {
    log.push(`open ${name}`);
    try {
      yield name;
    } catch (error) {
      log.push(`${name} saw ${(error as Error).message}`);
      throw error;
    } finally {
      log.push(`close ${name}`);
    }
  });
}

describe("generator tear-down", () => {
  test("runs after the response has reached the client", async () => {
    const app = new App();
    const log: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const db = depends(async function* () {
      yield "db";
      await released;
      log.push("closed");
    });
    app.get("/", { deps: { db } }, ({ db }) => ({ db }));
    const server = await app.listen(0, "127.0.0.1");
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(await res.json()).toEqual({ db: "db" });
      expect(log).toEqual([]); // the response arrived while the tear-down still waits
      release();
      await app.idle();
      expect(log).toEqual(["closed"]);
    } finally {
      await app.close();
    }
  });

  test("runs in reverse order of set-up, sync and async generators alike", async () => {
    const app = new App();
    const log: string[] = [];
    const first = tracked("first", log);
    const second = depends(function* () {
      log.push("open second");
      yield 2;
      log.push("close second");
    });
    const third = tracked("third", log);
    app.get("/", { deps: { first, second, third } }, () => {
      log.push("handler");
      return "ok";
    });
    const res = await new TestClient(app).get("/");
    expect(res.text()).toBe("ok");
    expect(log).toEqual([
      "open first",
      "open second",
      "open third",
      "handler",
      "close third",
      "close second",
      "close first",
    ]);
  });

  test("runs when the handler throws, and sees the error at its yield", async () => {
    const app = new App();
    const log: string[] = [];
    const outer = tracked("outer", log);
    const inner = tracked("inner", log);
    app.get("/", { deps: { outer, inner } }, () => {
      throw new HTTPException(409, "conflict in handler");
    });
    const res = await new TestClient(app).get("/");
    expect(res.status).toBe(409);
    expect(res.json()).toEqual({ detail: "conflict in handler" });
    expect(log).toEqual([
      "open outer",
      "open inner",
      "inner saw conflict in handler",
      "close inner",
      "outer saw conflict in handler",
      "close outer",
    ]);
  });

  test("runs when a later dependency throws, which sees nothing of it", async () => {
    const app = new App();
    const log: string[] = [];
    const db = tracked("db", log);
    const failing = depends(() => {
      log.push("failing runs");
      throw new HTTPException(401, "Not authenticated");
    });
    let handlerRan = false;
    app.get("/", { deps: { db, failing } }, () => {
      handlerRan = true;
    });
    const res = await new TestClient(app).get("/");
    expect(res.status).toBe(401);
    expect(handlerRan).toBe(false);
    expect(log).toEqual(["open db", "failing runs", "db saw Not authenticated", "close db"]);
  });

  test("an unhandled error is a 500 and the tear-down still runs", async () => {
    const app = new App();
    const log: string[] = [];
    const db = tracked("db", log);
    app.get("/", { deps: { db } }, () => {
      throw new Error("boom");
    });
    const res = await new TestClient(app).get("/");
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ detail: "Internal Server Error" });
    expect(log).toEqual(["open db", "db saw boom", "close db"]);
  });

  test("a dependency can catch the error and raise its own HTTPException, which is the response", async () => {
    const app = new App();
    class NotFoundInDb extends Error {}
    const db = depends(async function* () {
      try {
        yield { find: () => undefined };
      } catch (error) {
        if (error instanceof NotFoundInDb) throw new HTTPException(404, "Row not found");
        throw error;
      }
    });
    app.get("/rows/{id}", { deps: { db } }, ({ db }) => {
      const row = db.find();
      if (!row) throw new NotFoundInDb("no row");
      return row;
    });
    const res = await new TestClient(app).get("/rows/1");
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ detail: "Row not found" });
  });

  test("a tear-down that fails is logged and does not change the response", async () => {
    const app = new App();
    const flaky = depends(async function* () {
      yield 1;
      throw new Error("close failed");
    });
    app.get("/", { deps: { flaky } }, () => "fine");
    const res = await new TestClient(app).get("/");
    expect(res.status).toBe(200);
    expect(res.text()).toBe("fine");
  });

  test("with middleware, the tear-down still sees the handler's error and runs after the response", async () => {
    const app = new App();
    const log: string[] = [];
    app.use(async (_ctx, next) => {
      const res = await next();
      log.push(`middleware saw ${res.status}`);
      return res;
    });
    const db = tracked("db", log);
    app.get("/", { deps: { db } }, () => {
      throw new HTTPException(418, "teapot");
    });
    const res = await new TestClient(app).get("/");
    expect(res.status).toBe(418);
    expect(log).toEqual(["open db", "db saw teapot", "close db", "middleware saw 418"]);
  });

  test("a 422 in the route's own inputs is thrown into open generators too", async () => {
    const app = new App();
    const log: string[] = [];
    const db = tracked("db", log);
    app.get("/", { deps: { db }, query: { n: z.int() } }, () => "never");
    const res = await new TestClient(app).get("/?n=x");
    expect(res.status).toBe(422);
    expect(log).toEqual(["open db", "db saw 1 validation error", "close db"]);
  });
});
