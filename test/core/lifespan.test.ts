import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { App } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";
import { memoryLogger } from "../helpers.js";

describe("lifespan and serving", () => {
  test("an async generator lifespan: set-up before the first request, state typed, tear-down on close", async () => {
    const events: string[] = [];
    const app = new App({
      lifespan: async function* () {
        events.push("open");
        yield { pool: { query: () => 42 } };
        events.push("close");
      },
    });
    app.get("/", ({ app }) => ({ answer: app.state.pool.query() }));
    const client = new TestClient(app);
    expect((await client.get("/")).json()).toEqual({ answer: 42 });
    expect(events).toEqual(["open"]);
    await client.close();
    expect(events).toEqual(["open", "close"]);
  });

  test("a plain function lifespan gives the state; no tear-down needed", async () => {
    const app = new App({ lifespan: async () => ({ n: 1 }) });
    await app.startup();
    expect(app.state).toEqual({ n: 1 });
    await app.shutdown();
  });

  test("a failing set-up makes listen reject, and nothing listens", async () => {
    const app = new App({
      lifespan: async function* () {
        await Promise.reject(new Error("no database"));
        yield {};
      },
    });
    await expect(app.listen(0)).rejects.toThrow("no database");
  });

  test("a lifespan that never yields is refused with a clear message", async () => {
    const app = new App({
      lifespan: async function* () {},
    });
    await expect(app.startup()).rejects.toThrow(/must `yield` once/);
  });

  test("listen(0) picks a free port and logs the URL; close() stops it", async () => {
    const logger = memoryLogger();
    const app = new App({ logger });
    app.get("/", () => "up");
    const server = await app.listen(0);
    const { port, address } = server.address() as AddressInfo;
    expect(address).toBe("127.0.0.1");
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("up");
    expect(logger.lines.some((l) => l.msg === `Vial running on http://127.0.0.1:${port}`)).toBe(
      true,
    );
    await app.close();
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  test("listen takes an options object too", async () => {
    const app = new App();
    const server = await app.listen({ port: 0, host: "127.0.0.1" });
    expect((server.address() as AddressInfo).port).toBeGreaterThan(0);
    await app.close();
  });

  test("close() waits for in-flight requests, then tears down", async () => {
    const events: string[] = [];
    const app = new App({
      lifespan: async function* () {
        yield {};
        events.push("teardown");
      },
    });
    app.get("/slow", async () => {
      await new Promise((r) => setTimeout(r, 200));
      events.push("answered");
      return "done";
    });
    const server = await app.listen(0);
    const { port } = server.address() as AddressInfo;
    const pending = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 50));
    await app.close();
    expect(await pending).toBe("done");
    expect(events).toEqual(["answered", "teardown"]);
  });

  test("app.handler plugs into any node server", async () => {
    const app = new App();
    app.get("/", () => ({ via: "createServer" }));
    const server = createServer(app.handler);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).json()).toEqual({
      via: "createServer",
    });
    await new Promise((r) => server.close(r));
  });

  test("a mounted app's lifespan runs with its parent's", async () => {
    const events: string[] = [];
    const sub = new App({
      lifespan: async function* () {
        events.push("sub up");
        yield {};
        events.push("sub down");
      },
    });
    const app = new App();
    app.mount("/sub", sub);
    await app.startup();
    await app.shutdown();
    expect(events).toEqual(["sub up", "sub down"]);
  });
});
