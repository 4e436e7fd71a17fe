import { App, type Backplane, type RoomMessage, z } from "vial";
import { TestClient, type TestWebSocket } from "vial/testing";
import { afterEach, describe, expect, test } from "vitest";
import { captureLogger, sleep } from "./helpers.js";

const clients: TestClient[] = [];
function clientFor(app: App<any>): TestClient {
  const client = new TestClient(app);
  clients.push(client);
  return client;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** A chat app: join a room by path, every message is broadcast to the room. */
function chatApp(app = new App()) {
  app.ws("/rooms/{room}", async (ws, { params }) => {
    ws.join(params.room);
    await ws.send({ joined: params.room, rooms: [...ws.rooms] });
    for await (const text of ws) {
      if (text === "leave") {
        ws.leave(params.room);
        await ws.send({ left: params.room, rooms: [...ws.rooms] });
      } else {
        await app.broadcast(params.room, `${params.room}: ${text}`);
      }
    }
  });
  app.post("/rooms/{room}/announce", { body: { text: z.string() } }, async ({ params, body }) => {
    await app.broadcast(params.room, { announcement: body.text });
    return { sent: true };
  });
  return app;
}

async function join(client: TestClient, room: string): Promise<TestWebSocket> {
  const ws = await client.websocket(`/rooms/${room}`);
  expect(await ws.receiveJson()).toEqual({ joined: room, rooms: [room] });
  return ws;
}

describe("rooms", () => {
  test("a broadcast reaches every member of the room, the sender included, and no one else", async () => {
    const client = clientFor(chatApp());
    const ann = await join(client, "blue");
    const bob = await join(client, "blue");
    const eve = await join(client, "red");
    await ann.send("hello");
    expect(await ann.receive()).toBe("blue: hello");
    expect(await bob.receive()).toBe("blue: hello");
    await eve.send("psst");
    expect(await eve.receive()).toBe("red: psst");
    await bob.send("hi ann");
    expect(await ann.receive()).toBe("blue: hi ann");
    expect(await bob.receive()).toBe("blue: hi ann");
  });

  test("HTTP handlers broadcast too; objects go as JSON, bytes as binary", async () => {
    const app = chatApp();
    app.post("/rooms/{room}/bytes", async ({ params }) => {
      await app.broadcast(params.room, new Uint8Array([1, 2, 3]));
    });
    const client = clientFor(app);
    const ann = await join(client, "blue");
    const res = await client.post("/rooms/blue/announce", { json: { text: "maintenance at 5" } });
    expect(res.json()).toEqual({ sent: true });
    expect(await ann.receiveJson()).toEqual({ announcement: "maintenance at 5" });
    await client.post("/rooms/blue/bytes");
    expect(await ann.receive()).toEqual(Buffer.from([1, 2, 3]));
  });

  test("leave() and closing a connection remove it from its rooms", async () => {
    const client = clientFor(chatApp());
    const ann = await join(client, "blue");
    const bob = await join(client, "blue");
    const cat = await join(client, "blue");
    await bob.send("leave");
    expect(await bob.receiveJson()).toEqual({ left: "blue", rooms: [] });
    await cat.close();
    await ann.send("who is here?");
    expect(await ann.receive()).toBe("blue: who is here?");
    await bob.send("still connected");
    expect(await ann.receive()).toBe("blue: still connected");
    await sleep(30);
    await bob.close();
    const leftovers = await Promise.race([bob.receive().catch(() => "closed"), sleep(50)]);
    expect(leftovers).toBe("closed");
  });

  test("a room name must be a non-empty string", async () => {
    const app = new App();
    app.ws("/ws", async (ws) => {
      try {
        ws.join("");
      } catch (error) {
        await ws.send((error as Error).message);
      }
    });
    const ws = await clientFor(app).websocket("/ws");
    expect(await ws.receive()).toBe("ws.join(room): the room must be a non-empty string, got ");
  });
});

/** A message bus standing in for Redis: every backplane attached to it sees every publish. */
class Bus {
  readonly planes = new Set<TestBackplane>();
}

class TestBackplane implements Backplane {
  readonly calls: string[] = [];
  #deliver: ((room: string, message: RoomMessage) => void) | undefined;
  readonly #subscribed = new Set<string>();
  constructor(readonly bus: Bus) {}

  start(deliver: (room: string, message: RoomMessage) => void): void {
    this.calls.push("start");
    this.#deliver = deliver;
    this.bus.planes.add(this);
  }
  subscribe(room: string): void {
    this.calls.push(`subscribe ${room}`);
    this.#subscribed.add(room);
  }
  unsubscribe(room: string): void {
    this.calls.push(`unsubscribe ${room}`);
    this.#subscribed.delete(room);
  }
  async publish(room: string, message: RoomMessage): Promise<void> {
    this.calls.push(`publish ${room}`);
    await sleep(1); // a network hop
    for (const plane of this.bus.planes) {
      if (plane.#subscribed.has(room)) plane.#deliver?.(room, message);
    }
  }
  close(): void {
    this.calls.push("close");
    this.bus.planes.delete(this);
  }
}

describe("backplane", () => {
  test("broadcasts travel through the backplane to members connected to other app instances", async () => {
    const bus = new Bus();
    const one = new TestBackplane(bus);
    const two = new TestBackplane(bus);
    const first = clientFor(chatApp(new App({ websocket: { backplane: one } })));
    const second = clientFor(chatApp(new App({ websocket: { backplane: two } })));
    const ann = await join(first, "blue");
    const bob = await join(second, "blue");
    await ann.send("across processes");
    expect(await ann.receive()).toBe("blue: across processes");
    expect(await bob.receive()).toBe("blue: across processes");
    expect(one.calls).toEqual(["start", "subscribe blue", "publish blue"]);
    expect(two.calls).toEqual(["start", "subscribe blue"]);
    await bob.close();
    await sleep(30);
    expect(two.calls).toEqual(["start", "subscribe blue", "unsubscribe blue"]);
    await clients.pop()!.close();
    expect(two.calls.at(-1)).toBe("close");
  });

  test("a failing backplane is logged; broadcast never rejects", async () => {
    const log = captureLogger();
    const failing: Backplane = {
      start() {},
      subscribe() {},
      unsubscribe() {},
      publish() {
        throw new Error("redis is down");
      },
      close() {},
    };
    const app = new App({ logger: log.logger, websocket: { backplane: failing } });
    app.post("/send", async () => {
      await app.broadcast("blue", "hello");
      return { ok: true };
    });
    const res = await clientFor(app).post("/send");
    expect(res.json()).toEqual({ ok: true });
    expect(log.find("WebSocket backplane: publish failed", 50)[0]).toMatchObject({
      room: "blue",
      err: { message: "redis is down" },
    });
  });
});
