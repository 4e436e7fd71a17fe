import {
  App,
  depends,
  HTTPException,
  type VialWebSocket,
  WebSocketDisconnect,
  WebSocketException,
  z,
} from "vial";
import { TestClient } from "vial/testing";
import { afterEach, describe, expect, test } from "vitest";
import { captureLogger, sleep } from "./helpers.js";

const clients: TestClient[] = [];
function connect(app: App<any>, path = "/ws") {
  const client = new TestClient(app);
  clients.push(client);
  return client.websocket(path);
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe("sending and receiving", () => {
  test("strings go as text, bytes as binary, anything else as JSON", async () => {
    const app = new App();
    app.ws("/ws", async (ws) => {
      await ws.send("text");
      await ws.send(Buffer.from([1, 2, 3]));
      await ws.send(new Uint8Array([4, 5]));
      await ws.send(new Uint8Array([9, 6, 7, 9]).subarray(1, 3).buffer.slice(1, 3));
      await ws.send({ a: 1, list: [true, null] });
      await ws.send(42);
      await ws.sendJson("quoted");
    });
    const ws = await connect(app);
    expect(await ws.receive()).toBe("text");
    expect(await ws.receive()).toEqual(Buffer.from([1, 2, 3]));
    expect(await ws.receive()).toEqual(Buffer.from([4, 5]));
    expect(await ws.receive()).toEqual(Buffer.from([6, 7]));
    expect(await ws.receive()).toBe('{"a":1,"list":[true,null]}');
    expect(await ws.receive()).toBe("42");
    expect(await ws.receive()).toBe('"quoted"');
    expect(await ws.closed).toEqual({ code: 1000, reason: "" });
  });

  test("the handler receives text as strings and binary as Buffers, in order", async () => {
    const app = new App();
    app.ws("/ws", async (ws) => {
      const first = await ws.receive();
      const second = await ws.receive();
      await ws.send({ first: typeof first, second: Buffer.isBuffer(second), bytes: [...second] });
    });
    const ws = await connect(app);
    await ws.send("hello");
    await ws.send(Buffer.from([7, 8]));
    expect(await ws.receiveJson()).toEqual({ first: "string", second: true, bytes: [7, 8] });
  });

  test("for await ends when the client closes; receive() then throws WebSocketDisconnect", async () => {
    const app = new App();
    const outcome: unknown[] = [];
    app.ws("/ws", async (ws) => {
      for await (const message of ws) outcome.push(message);
      outcome.push("loop ended", ws.closed);
      try {
        await ws.receive();
      } catch (error) {
        outcome.push(error instanceof WebSocketDisconnect, (error as WebSocketDisconnect).code);
        outcome.push((error as WebSocketDisconnect).reason);
      }
      outcome.push(await ws.done);
    });
    const ws = await connect(app);
    await ws.send("one");
    await ws.send("two");
    await ws.close(4000, "bye now");
    await app.idle();
    expect(outcome).toEqual([
      "one",
      "two",
      "loop ended",
      true,
      true,
      4000,
      "bye now",
      { code: 4000, reason: "bye now" },
    ]);
  });

  test("sends after the close are dropped without an error, as a browser's are", async () => {
    const app = new App();
    let afterClose: unknown = "not run";
    app.ws("/ws", async (ws) => {
      await ws.receive().catch(() => undefined);
      afterClose = await ws.send("too late").then(() => "resolved");
    });
    const ws = await connect(app);
    await ws.close();
    await app.idle();
    expect(afterClose).toBe("resolved");
  });

  test("ws.close(code, reason) reaches the client; long reasons are cut to 123 bytes", async () => {
    const app = new App();
    app.ws("/ws", async (ws) => {
      const which = await ws.receive();
      if (which === "long") await ws.close(4001, "é".repeat(100));
      else await ws.close(4000, "done");
    });
    const client = new TestClient(app);
    clients.push(client);
    const short = await client.websocket("/ws");
    await short.send("short");
    expect(await short.closed).toEqual({ code: 4000, reason: "done" });
    const long = await client.websocket("/ws");
    await long.send("long");
    const { code, reason } = await long.closed;
    expect(code).toBe(4001);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(reason).toBe(`${"é".repeat(60)}...`);
  });

  test("ws.close with a code no endpoint may send is a RangeError saying which codes to use", async () => {
    const app = new App();
    let error: unknown;
    app.ws("/ws", async (ws) => {
      try {
        await ws.close(1006);
      } catch (e) {
        error = e;
      }
    });
    await (await connect(app)).closed;
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe(
      "ws.close(1006): use 1000 (normal), 1001, 1003, 1007-1014, or an application code in 3000-4999.",
    );
  });

  test("concurrent receive() calls are served in order", async () => {
    const app = new App();
    app.ws("/ws", async (ws) => {
      const [a, b] = await Promise.all([ws.receive(), ws.receive()]);
      await ws.send(`${a},${b}`);
    });
    const ws = await connect(app);
    await ws.send("1");
    await ws.send("2");
    expect(await ws.receive()).toBe("1,2");
  });
});

describe("errors in the handler", () => {
  test("an unexpected error closes with 1011, is logged with the request id, and is thrown into dependencies", async () => {
    const log = captureLogger();
    const app = new App({ logger: log.logger });
    const seen: string[] = [];
    const guard = depends(async function* () {
      try {
        yield null;
      } catch (error) {
        seen.push(`dependency saw: ${(error as Error).message}`);
        throw error;
      }
    });
    app.ws("/ws", { deps: [guard] }, async (ws, { background }) => {
      background.add(function notify() {
        seen.push("task ran");
      });
      await ws.receive();
      throw new Error("boom");
    });
    const client = new TestClient(app);
    clients.push(client);
    const ws = await client.websocket("/ws", { headers: { "x-request-id": "abc-1" } });
    await ws.send("go");
    expect(await ws.closed).toEqual({ code: 1011, reason: "Internal Server Error" });
    await app.idle();
    expect(seen).toEqual(["dependency saw: boom"]);
    expect(log.find("Unhandled error in the WebSocket handler of WEBSOCKET /ws")[0]).toMatchObject({
      requestId: "abc-1",
      err: { message: "boom" },
    });
    expect(log.find("Background tasks dropped")[0]).toMatchObject({
      requestId: "abc-1",
      tasks: ["notify"],
    });
  });

  test("HTTPException after the handshake closes with 1008 and its detail", async () => {
    const app = new App();
    app.ws("/ws", () => {
      throw new HTTPException(403, "Not allowed here");
    });
    expect(await (await connect(app)).closed).toEqual({ code: 1008, reason: "Not allowed here" });
  });

  test("WebSocketException closes with its own code and reason", async () => {
    const app = new App();
    app.ws("/ws", () => {
      throw new WebSocketException(4403, "Room is full");
    });
    expect(await (await connect(app)).closed).toEqual({ code: 4403, reason: "Room is full" });
    expect(() => new WebSocketException(1005)).toThrow(RangeError);
  });

  test("a WebSocketDisconnect escaping the handler is a normal end, not a failure", async () => {
    const log = captureLogger();
    const app = new App({ logger: log.logger });
    const done: string[] = [];
    app.ws("/ws", async (ws, { background }) => {
      background.add(() => {
        done.push("task");
      });
      for (;;) await ws.send(`echo ${await ws.receive()}`);
    });
    const ws = await connect(app);
    await ws.send("x");
    expect(await ws.receive()).toBe("echo x");
    await ws.close();
    await app.idle();
    expect(done).toEqual(["task"]);
    expect(log.lines.filter((l) => l.level >= 40)).toEqual([]);
  });
});

describe("JSON messages", () => {
  const Message = z.object({ text: z.string().min(1), to: z.string().optional() });

  test("the route's `message` schema checks and types receiveJson() and iterJson()", async () => {
    const app = new App();
    app.ws("/ws", { message: Message }, async (ws) => {
      const first = await ws.receiveJson();
      await ws.send({ got: first.text.toUpperCase() });
      for await (const next of ws.iterJson())
        await ws.send({ got: next.text, to: next.to ?? null });
    });
    const ws = await connect(app);
    await ws.send({ text: "hi" });
    expect(await ws.receiveJson()).toEqual({ got: "HI" });
    await ws.send({ text: "b", to: "ann", extra: true });
    expect(await ws.receiveJson()).toEqual({ got: "b", to: "ann" });
  });

  test("an invalid message closes with 1007 and a reason saying what is wrong", async () => {
    const app = new App();
    const seen: unknown[] = [];
    app.ws("/ws", { message: Message }, async (ws) => {
      try {
        await ws.receiveJson();
      } catch (error) {
        seen.push(error instanceof WebSocketDisconnect && error.code);
      }
    });
    const client = new TestClient(app);
    clients.push(client);
    const missing = await client.websocket("/ws");
    await missing.send({ to: "ann" });
    expect(await missing.closed).toEqual({
      code: 1007,
      reason: "Invalid message at text: Field required",
    });
    const broken = await client.websocket("/ws");
    await broken.send("{not json");
    expect(await broken.closed).toEqual({
      code: 1007,
      reason: "Invalid message at 1: JSON decode error",
    });
    await app.idle();
    expect(seen).toEqual([1007, 1007]);
  });

  test('invalidMessage: "reply" answers with the 422 detail list and reads the next message', async () => {
    const app = new App();
    app.ws("/ws", { message: Message, invalidMessage: "reply" }, async (ws) => {
      const valid = await ws.receiveJson();
      await ws.send({ ok: valid.text });
    });
    const ws = await connect(app);
    await ws.send({ text: "" });
    expect(await ws.receiveJson()).toEqual({
      detail: [
        {
          type: "string_too_short",
          loc: ["message", "text"],
          msg: "String should have at least 1 character",
          input: "",
          ctx: { min_length: 1 },
        },
      ],
    });
    await ws.send("[1,");
    expect((await ws.receiveJson()).detail[0]).toMatchObject({
      type: "json_invalid",
      loc: ["message", 3],
      msg: "JSON decode error",
    });
    await ws.send({ text: "fine" });
    expect(await ws.receiveJson()).toEqual({ ok: "fine" });
  });

  test("receiveJson(schema) checks one message with its own schema; without any, JSON is parsed", async () => {
    const app = new App();
    app.ws("/ws", async (ws) => {
      const raw = await ws.receiveJson();
      const move = await ws.receiveJson({ x: z.int(), y: z.int() });
      await ws.send({ raw, sum: move.x + move.y });
    });
    const ws = await connect(app);
    await ws.send([1, "a"]);
    await ws.send({ x: 2, y: 3 });
    expect(await ws.receiveJson()).toEqual({ raw: [1, "a"], sum: 5 });
  });

  test("iterJson ends quietly when the client leaves", async () => {
    const app = new App();
    const got: unknown[] = [];
    let ended = false;
    app.ws("/ws", async (ws: VialWebSocket) => {
      for await (const value of ws.iterJson()) got.push(value);
      ended = true;
    });
    const ws = await connect(app);
    await ws.send({ n: 1 });
    await ws.send({ n: 2 });
    await sleep(20);
    await ws.close();
    await app.idle();
    expect(got).toEqual([{ n: 1 }, { n: 2 }]);
    expect(ended).toBe(true);
  });
});
