import {
  App,
  depends,
  EventSourceResponse,
  type EventStream,
  Router,
  type VialWebSocket,
  z,
} from "vial";
import { TestClient, type TestWebSocket } from "vial/testing";
import { describe, expectTypeOf, test } from "vitest";

const app = new App();
const currentUser = depends(() => ({ name: "ann", admin: false }));

describe("app.ws", () => {
  test("the handler gets the connection and the HTTP context, typed from the path", () => {
    app.ws("/rooms/{room}", async (ws, ctx) => {
      expectTypeOf(ws).toEqualTypeOf<VialWebSocket<unknown>>();
      expectTypeOf(ctx.params).toEqualTypeOf<{ room: string }>();
      expectTypeOf(ctx.body).toEqualTypeOf<undefined>();
      expectTypeOf(ctx.requestId).toEqualTypeOf<string>();
      expectTypeOf(ctx.app).toEqualTypeOf<App>();
      for await (const message of ws) expectTypeOf(message).toEqualTypeOf<string | Buffer>();
      expectTypeOf(ws.receive()).toEqualTypeOf<Promise<string | Buffer>>();
      expectTypeOf(ws.receiveJson()).toEqualTypeOf<Promise<unknown>>();
      expectTypeOf(ws.send).parameter(0).toEqualTypeOf<unknown>();
      expectTypeOf(ws.send("x")).toEqualTypeOf<Promise<void>>();
      expectTypeOf(ws.done).toEqualTypeOf<Promise<{ code: number; reason: string }>>();
      expectTypeOf(ctx.app.broadcast(ctx.params.room, { hi: 1 })).toEqualTypeOf<Promise<void>>();
    });
  });

  test("declared inputs and dependencies are typed as on HTTP routes", () => {
    app.ws(
      "/games/{id}",
      {
        params: { id: z.int() },
        query: { spectate: z.boolean().default(false) },
        headers: { x_client: z.string().optional() },
        cookies: { session: z.string() },
        deps: { user: currentUser },
      },
      (_ws, { params, query, headers, cookies, user }) => {
        expectTypeOf(params.id).toEqualTypeOf<number>();
        expectTypeOf(query.spectate).toEqualTypeOf<boolean>();
        expectTypeOf(headers.x_client).toEqualTypeOf<string | undefined>();
        expectTypeOf(cookies.session).toEqualTypeOf<string>();
        expectTypeOf(user).toEqualTypeOf<{ name: string; admin: boolean }>();
      },
    );
  });

  test("a message schema types receiveJson() and iterJson(); a schema given types that call", () => {
    const Chat = z.object({ text: z.string(), to: z.string().optional() });
    app.ws("/chat", { message: Chat, invalidMessage: "reply" }, async (ws) => {
      expectTypeOf(ws).toEqualTypeOf<VialWebSocket<{ text: string; to?: string | undefined }>>();
      const message = await ws.receiveJson();
      expectTypeOf(message.text).toEqualTypeOf<string>();
      for await (const next of ws.iterJson())
        expectTypeOf(next.to).toEqualTypeOf<string | undefined>();
      const move = await ws.receiveJson({ x: z.int(), y: z.int() });
      expectTypeOf(move).toEqualTypeOf<{ x: number; y: number }>();
    });
  });

  test("mistakes are type errors", () => {
    // @ts-expect-error a misspelled option
    app.ws("/a", { mesage: z.object({}) }, () => undefined);
    // @ts-expect-error WebSocket routes have no body
    app.ws("/b", { body: z.object({}) }, () => undefined);
    // @ts-expect-error a dependency cannot be named like a context key
    app.ws("/c", { deps: { request: currentUser } }, () => undefined);
    // @ts-expect-error not a policy
    app.ws("/d", { slowConsumer: "wait" }, () => undefined);
    app.ws("/e", (_ws, { params }) => {
      // @ts-expect-error no such path parameter
      params.nope;
    });
  });

  test("routers type their deps on their WebSocket routes", () => {
    const chat = new Router({ prefix: "/chat", deps: { user: currentUser } });
    chat.ws("/{room}", (_ws, { params, user }) => {
      expectTypeOf(params.room).toEqualTypeOf<string>();
      expectTypeOf(user.name).toEqualTypeOf<string>();
    });
  });
});

describe("streams and tasks", () => {
  test("EventSourceResponse takes async generators and generator functions", () => {
    new EventSourceResponse(
      (async function* () {
        yield { event: "tick", data: { n: 1 } };
      })(),
    );
    new EventSourceResponse(async function* (stream) {
      expectTypeOf(stream).toEqualTypeOf<EventStream>();
      expectTypeOf(stream.lastEventId).toEqualTypeOf<string | undefined>();
      yield { data: "x", id: 1, retry: 1000 };
    });
    // @ts-expect-error a number is not a source of events
    new EventSourceResponse(5);
  });

  test("an async generator handler may yield the response schema's input", () => {
    const Item = z.object({ name: z.string() });
    app.get("/items", { response: Item }, async function* () {
      yield { name: "Plumbus" };
    });
    // @ts-expect-error a line that does not match the response schema
    app.get("/bad", { response: Item }, async function* () {
      yield { name: 1 };
    });
  });

  test("background.add checks the task's arguments", () => {
    app.post("/process", ({ background }) => {
      background.add((n: number, label: string) => `${n}${label}`, 42, "x");
      // @ts-expect-error wrong argument type
      background.add((n: number) => n, "42");
    });
  });

  test("the test client's WebSocket", async () => {
    const ws = await new TestClient(app).websocket("/ws", { query: { n: 1 }, headers: { a: "b" } });
    expectTypeOf(ws).toEqualTypeOf<TestWebSocket>();
    expectTypeOf(ws.receive()).toEqualTypeOf<Promise<string | Buffer>>();
    expectTypeOf(ws.receiveJson<{ n: number }>()).toEqualTypeOf<Promise<{ n: number }>>();
    expectTypeOf(ws.close()).toEqualTypeOf<Promise<{ code: number; reason: string }>>();
  });
});
