// WebSocket routes with sessions, and the mistakes caught when a WebSocket route is registered.
import { App, ConfigurationError, depends, HTTPException, MemoryStore, z } from "vial";
import { TestClient } from "vial/testing";
import { afterEach, describe, expect, test } from "vitest";

const clients: TestClient[] = [];
function clientFor(app: App<any>): TestClient {
  const client = new TestClient(app);
  clients.push(client);
  return client;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const bearer = depends({ headers: { authorization: z.string().optional() } }, ({ headers }) => {
  if (!headers.authorization) throw new HTTPException(401, "Not authenticated");
  return { name: "ann" };
});

describe("sessions", () => {
  test("a WebSocket handler reads the session an HTTP login set", async () => {
    const app = new App({ secretKey: "test-secret-key-of-some-length" });
    app.get("/login", ({ session }) => {
      session.user = "ann";
      return { ok: true };
    });
    app.ws("/ws", async (ws, { session }) => {
      await ws.send({ user: session.user ?? null });
    });
    const client = clientFor(app);
    expect(await (await client.websocket("/ws")).receiveJson()).toEqual({ user: null });
    expect((await client.get("/login")).json()).toEqual({ ok: true });
    expect(await (await client.websocket("/ws")).receiveJson()).toEqual({ user: "ann" });
  });

  test("session changes made during the handshake go out with the 101, with a server-side store too", async () => {
    for (const session of [undefined, { store: new MemoryStore() }]) {
      const app = new App({ secretKey: "test-secret-key-of-some-length", session });
      const countVisit = depends(({ session }) => {
        session.visits = Number(session.visits ?? 0) + 1;
      });
      app.ws("/ws", { deps: [countVisit] }, async (ws, { session }) => {
        await ws.send({ visits: session.visits });
      });
      const client = clientFor(app);
      const first = await client.websocket("/ws");
      expect(await first.receiveJson()).toEqual({ visits: 1 });
      expect(first.headers.get("set-cookie")).toMatch(
        /^session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/,
      );
      client.cookies.store(first.headers.getSetCookie());
      const second = await client.websocket("/ws");
      expect(await second.receiveJson()).toEqual({ visits: 2 });
    }
  });
});

describe("registration mistakes fail at registration, naming the route", () => {
  test.each([
    [{ body: z.object({}) }, "Route WEBSOCKET /ws: WebSocket routes take no `body`"],
    [{ response: z.object({}) }, "Route WEBSOCKET /ws: WebSocket routes take no `response`"],
    [
      { mesage: z.object({}) },
      "Route WEBSOCKET /ws: unknown option 'mesage'. Did you mean 'message'?",
    ],
    [{ maxPayload: -1 }, "Route WEBSOCKET /ws: `maxPayload` must be a positive number of bytes."],
    [{ invalidMessage: "ignore" }, "`invalidMessage` is 'ignore'; use 'close' or 'reply'."],
    [{ subprotocols: "chat" }, "`subprotocols` must be a list of names"],
    [
      { params: { id: z.int() } },
      "declares path parameter 'id' in `params`, but the path has no {id}",
    ],
  ])("%o", (options, message) => {
    const app = new App();
    expect(() => app.ws("/ws", options as never, () => undefined)).toThrow(message);
  });

  test("a missing handler and reserved dependency names", () => {
    const app = new App();
    expect(() => app.ws("/ws", {} as never)).toThrow(
      "Route WEBSOCKET /ws: the handler must be a function (ws, ctx) => { ... }.",
    );
    expect(() => app.ws("/ws", { deps: { body: bearer } } as never, () => undefined)).toThrow(
      ConfigurationError,
    );
  });

  test("bad app settings", () => {
    expect(() => new App({ websocket: { pingInterval: -5 } })).toThrow(
      "new App({ websocket }): `pingInterval` must be a number of milliseconds (0 turns keep-alive off).",
    );
    expect(() => new App({ websocket: { slowConsumer: "wait" as never } })).toThrow(
      "`slowConsumer` is 'wait'; use 'close' or 'drop'.",
    );
  });

  test("two WebSocket routes on one path", async () => {
    const app = new App();
    app.ws("/ws", () => undefined);
    app.ws("/ws", () => undefined);
    await expect(app.startup()).rejects.toThrow(
      "Route WEBSOCKET /ws is registered twice. Remove one, or give them different paths.",
    );
  });
});
