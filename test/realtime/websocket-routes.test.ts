import { App, depends, HTTPException, JSONResponse, Router, WebSocketException, z } from "vial";
import { TestClient, WebSocketRejected } from "vial/testing";
import { afterEach, describe, expect, test } from "vitest";
import { captureLogger, handshake, rawExchange, refused, serve, sleep } from "./helpers.js";

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
  const token = headers.authorization?.replace(/^Bearer /, "");
  if (!token) {
    throw new HTTPException(401, "Not authenticated", { "WWW-Authenticate": "Bearer" });
  }
  if (token !== "secret") throw new HTTPException(403, "Invalid token");
  return { name: "ann" };
});

describe("app.ws routes", () => {
  test("the DESIGN.md echo works", async () => {
    const app = new App();
    app.ws("/ws", async (ws) => {
      for await (const data of ws) ws.send(`Message received: ${data}`);
    });
    const ws = await clientFor(app).websocket("/ws");
    await ws.send("hi");
    expect(await ws.receive()).toBe("Message received: hi");
    await ws.send("again");
    expect(await ws.receive()).toBe("Message received: again");
  });

  test("path params, query, headers and cookies are converted, validated and typed", async () => {
    const app = new App();
    app.ws(
      "/rooms/{room}/{n}",
      {
        params: { n: z.int() },
        query: { verbose: z.boolean().default(false) },
        headers: { x_client: z.string() },
        cookies: { theme: z.enum(["dark", "light"]) },
      },
      async (ws, { params, query, headers, cookies }) => {
        await ws.send({
          room: params.room,
          n: params.n,
          verbose: query.verbose,
          ...headers,
          ...cookies,
        });
      },
    );
    const ws = await clientFor(app).websocket("/rooms/blue/7", {
      query: { verbose: "yes" },
      headers: { "X-Client": "cli" },
      cookies: { theme: "dark" },
    });
    expect(await ws.receiveJson()).toEqual({
      room: "blue",
      n: 7,
      verbose: true,
      x_client: "cli",
      theme: "dark",
    });
    expect(await ws.closed).toEqual({ code: 1000, reason: "" });
  });

  test("invalid inputs refuse the handshake with the FastAPI 422 body, before any handler runs", async () => {
    const app = new App();
    let ran = false;
    app.ws("/items/{id}", { params: { id: z.int() }, query: { q: z.string() } }, () => {
      ran = true;
    });
    const error = await clientFor(app)
      .websocket("/items/abc")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebSocketRejected);
    const { response } = error as WebSocketRejected;
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.json()).toEqual({
      detail: [
        {
          type: "int_parsing",
          loc: ["path", "id"],
          msg: "Input should be a valid integer, unable to parse string as an integer",
          input: "abc",
        },
        { type: "missing", loc: ["query", "q"], msg: "Field required", input: null },
      ],
    });
    expect(ran).toBe(false);
  });

  test("a dependency's HTTPException refuses with its status and headers", async () => {
    const app = new App();
    app.ws("/me", { deps: { user: bearer } }, async (ws, { user }) => {
      await ws.send(user.name);
    });
    const client = clientFor(app);
    const missing = await refused(client.websocket("/me"));
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe("Bearer");
    expect(missing.json()).toEqual({ detail: "Not authenticated" });
    const wrong = await refused(
      client.websocket("/me", { headers: { authorization: "Bearer nope" } }),
    );
    expect(wrong.status).toBe(403);
    const ws = await client.websocket("/me", { headers: { authorization: "Bearer secret" } });
    expect(await ws.receive()).toBe("ann");
  });

  test("the app's exception handlers answer refused handshakes", async () => {
    const app = new App();
    app.exceptionHandler(401, () => new JSONResponse({ error: "login first" }, { status: 401 }));
    app.ws("/me", { deps: { user: bearer } }, () => undefined);
    const response = await refused(clientFor(app).websocket("/me"));
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ error: "login first" });
  });

  test("a WebSocketException before the handshake is a 403 with its reason", async () => {
    const app = new App();
    const members = depends({ params: { room: z.string() } }, ({ params }) => {
      if (params.room === "staff") throw new WebSocketException(1008, "Members only");
      return params.room;
    });
    app.ws("/rooms/{room}", { deps: { room: members } }, async (ws, { room }) => {
      await ws.send(room);
    });
    const client = clientFor(app);
    const response = await refused(client.websocket("/rooms/staff"));
    expect(response.status).toBe(403);
    expect(response.json()).toEqual({ detail: "Members only" });
    expect(await (await client.websocket("/rooms/lobby")).receive()).toBe("lobby");
  });

  test('denial: "close" accepts, then closes with 1008 and the error as reason', async () => {
    const app = new App({ websocket: { denial: "close" } });
    app.ws("/me", { deps: { user: bearer } }, () => undefined);
    app.ws("/n", { query: { n: z.int() } }, () => undefined);
    const client = clientFor(app);
    expect(await (await client.websocket("/me")).closed).toEqual({
      code: 1008,
      reason: "Not authenticated",
    });
    expect(await (await client.websocket("/n", { query: { n: "x" } })).closed).toEqual({
      code: 1008,
      reason:
        "Invalid query.n: Input should be a valid integer, unable to parse string as an integer",
    });
  });

  test("an unexpected error before the handshake is a logged 500", async () => {
    const log = captureLogger();
    const app = new App({ logger: log.logger });
    const broken = depends(() => {
      throw new Error("database down");
    });
    app.ws("/ws", { deps: [broken] }, () => undefined);
    const response = await refused(
      clientFor(app).websocket("/ws", { headers: { "x-request-id": "req-42" } }),
    );
    expect(response.status).toBe(500);
    expect(response.json()).toEqual({ detail: "Internal Server Error" });
    expect(log.find("Unhandled error")[0]).toMatchObject({
      requestId: "req-42",
      err: { message: "database down" },
    });
  });

  test("an upgrade to an unknown path gets 404 and is never upgraded", async () => {
    const app = new App();
    app.get("/http-only", () => "plain");
    app.ws("/ws", () => undefined);
    const { port } = await serve(app);
    try {
      for (const path of ["/nope", "/http-only", "/ws/"]) {
        const answer = await rawExchange(port, handshake(path));
        expect(answer.startsWith("HTTP/1.1 404 Not Found\r\n")).toBe(true);
        expect(answer).not.toContain("101 Switching Protocols");
        expect(answer).not.toMatch(/sec-websocket-accept/i);
        expect(answer.endsWith('{"detail":"Not Found"}')).toBe(true);
      }
    } finally {
      await app.close();
    }
  });

  test("a plain GET to a WebSocket path is 404; other upgrades are served as plain HTTP", async () => {
    const app = new App();
    app.ws("/ws", () => undefined);
    app.get("/page", () => "page");
    const { port, url } = await serve(app);
    try {
      expect((await fetch(`${url}/ws`)).status).toBe(404);
      const answer = await rawExchange(
        port,
        "GET /page HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
      );
      expect(answer.startsWith("HTTP/1.1 200 OK\r\n")).toBe(true);
      expect(answer).toMatch(/\r\nConnection: close\r\n/i);
      expect(answer.endsWith("\r\n\r\npage")).toBe(true);
    } finally {
      await app.close();
    }
  });

  test("a malformed handshake gets 400 before any user code runs", async () => {
    const app = new App();
    let ran = false;
    const dep = depends(() => {
      ran = true;
    });
    app.ws("/ws", { deps: [dep] }, () => undefined);
    const { port } = await serve(app);
    try {
      const answer = await rawExchange(
        port,
        "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
      expect(answer.startsWith("HTTP/1.1 400 Bad Request")).toBe(true);
      expect(answer).toContain("Sec-WebSocket-Key");
      expect(ran).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe("dependencies, background tasks and the context", () => {
  test("generator dependencies stay open for the connection and close after it", async () => {
    const events: string[] = [];
    const app = new App();
    const db = depends(async function* () {
      events.push("open");
      try {
        yield { id: 1 };
      } finally {
        events.push("close");
      }
    });
    app.ws("/ws", { deps: { db } }, async (ws, { db, background }) => {
      background.add(() => {
        events.push("task");
      });
      for await (const message of ws) {
        events.push(`message ${message} with session ${db.id}`);
        ws.send("ok");
      }
    });
    const client = clientFor(app);
    const ws = await client.websocket("/ws");
    await ws.send("a");
    await ws.receive();
    expect(events).toEqual(["open", "message a with session 1"]);
    await ws.close();
    await app.idle();
    await sleep(20);
    expect(events).toEqual(["open", "message a with session 1", "task", "close"]);
  });

  test("ctx.response headers and cookies go out with the 101 answer", async () => {
    const app = new App();
    const visit = depends(({ response }) => {
      response.setCookie("visited", "yes", { httpOnly: true });
      response.headers.set("x-served-by", "vial");
    });
    app.ws("/ws", { deps: [visit] }, () => undefined);
    const ws = await clientFor(app).websocket("/ws");
    expect(ws.headers.get("x-served-by")).toBe("vial");
    expect(ws.headers.get("set-cookie")).toBe("visited=yes; Path=/; HttpOnly");
  });

  test("routers add their prefix and deps; include and mount carry WebSocket routes", async () => {
    const seen: string[] = [];
    const audit = depends(({ request }) => {
      seen.push(request.path);
    });
    const chat = new Router({ prefix: "/chat", deps: { user: bearer } });
    chat.ws("/{room}", async (ws, { params, user }) => {
      await ws.send(`${user.name} in ${params.room}`);
    });
    const v1 = new App();
    v1.include(chat, { deps: [audit] });
    const app = new App();
    app.mount("/v1", v1);
    app.include(chat, { prefix: "/api" });
    const client = clientFor(app);
    const headers = { authorization: "Bearer secret" };
    expect(await (await client.websocket("/api/chat/blue", { headers })).receive()).toBe(
      "ann in blue",
    );
    expect(await (await client.websocket("/v1/chat/red", { headers })).receive()).toBe(
      "ann in red",
    );
    expect(seen).toEqual(["/chat/red"]);
    expect((await refused(client.websocket("/v1/chat/red"))).status).toBe(401);
  });

  test("dependency overrides apply to WebSocket routes", async () => {
    const app = new App();
    app.ws("/me", { deps: { user: bearer } }, async (ws, { user }) => {
      await ws.send(user.name);
    });
    app.dependencyOverrides.set(bearer, () => ({ name: "test-user" }));
    expect(await (await clientFor(app).websocket("/me")).receive()).toBe("test-user");
  });

  test("subprotocols: the first one offered that the route speaks is chosen", async () => {
    const app = new App();
    app.ws("/ws", { subprotocols: ["chat.v2", "chat.v1"] }, async (ws) => {
      await ws.send(ws.protocol);
    });
    const client = clientFor(app);
    const ws = await client.websocket("/ws", { subprotocols: ["chat.v1", "chat.v2"] });
    expect(ws.protocol).toBe("chat.v1");
    expect(await ws.receive()).toBe("chat.v1");
  });
});
