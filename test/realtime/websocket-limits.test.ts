import { App } from "vial";
import { TestClient } from "vial/testing";
import { afterEach, describe, expect, test } from "vitest";
import { WebSocket } from "ws";
import { serve, sleep } from "./helpers.js";

const apps: App<any>[] = [];
function clientFor(app: App<any>): TestClient {
  apps.push(app);
  return new TestClient(app);
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

describe("message limits", () => {
  test("a message over maxPayload closes with 1009", async () => {
    const app = new App({ websocket: { maxPayload: 1024 } });
    let ended = false;
    app.ws("/ws", async (ws) => {
      for await (const message of ws) ws.send(`got ${message.length}`);
      ended = true;
    });
    const ws = await clientFor(app).websocket("/ws");
    await ws.send("x".repeat(1024));
    expect(await ws.receive()).toBe("got 1024");
    await ws.send("x".repeat(1025));
    expect(await ws.closed).toEqual({ code: 1009, reason: "" });
    await app.idle();
    expect(ended).toBe(true);
  });

  test("a route's maxPayload overrides the app's", async () => {
    const app = new App({ websocket: { maxPayload: 100 } });
    app.ws("/big", { maxPayload: 10_000 }, async (ws) => {
      ws.send(String((await ws.receive()).length));
    });
    const ws = await clientFor(app).websocket("/big");
    await ws.send("y".repeat(5000));
    expect(await ws.receive()).toBe("5000");
  });

  test("a text message that is not valid UTF-8 closes with 1007", async () => {
    const app = new App();
    const received: unknown[] = [];
    app.ws("/ws", async (ws) => {
      for await (const message of ws) received.push(message);
    });
    const ws = await clientFor(app).websocket("/ws");
    await new Promise<void>((resolve, reject) =>
      ws.raw.send(Buffer.from([0x68, 0xc3, 0x28]), { binary: false }, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
    expect(await ws.closed).toEqual({ code: 1007, reason: "" });
    expect(received).toEqual([]);
  });
});

describe("backpressure", () => {
  const chunk = "z".repeat(64 * 1024);

  test("a slow consumer is closed with 1013 once its send buffer is full", async () => {
    const app = new App({ websocket: { maxBufferedAmount: 256 * 1024 } });
    let sent = 0;
    let largest = 0;
    app.ws("/feed", async (ws) => {
      await ws.receive(); // the client is paused once this arrives
      for (let i = 0; i < 2000 && !ws.closed; i++) {
        void ws.send(chunk);
        sent++;
        largest = Math.max(largest, ws.bufferedAmount);
      }
    });
    const ws = await clientFor(app).websocket("/feed");
    ws.raw.pause();
    await ws.send("start");
    await sleep(100);
    ws.raw.resume();
    const { code } = await ws.closed;
    expect(code).toBe(1013);
    expect(sent).toBeLessThan(2000);
    // bounded: the limit, plus the one message that crossed it
    expect(largest).toBeLessThanOrEqual(256 * 1024 + chunk.length + 1024);
  });

  test('slowConsumer: "drop" drops messages and keeps the connection', async () => {
    const app = new App({ websocket: { maxBufferedAmount: 256 * 1024, slowConsumer: "drop" } });
    app.ws("/feed", async (ws) => {
      await ws.receive();
      for (let i = 0; i < 2000; i++) void ws.send(chunk);
      while (ws.bufferedAmount > 0) await sleep(5);
      await ws.send("done");
    });
    const ws = await clientFor(app).websocket("/feed");
    ws.raw.pause();
    await ws.send("start");
    await sleep(100);
    ws.raw.resume();
    let chunks = 0;
    for (;;) {
      const message = await ws.receive();
      if (message === "done") break;
      chunks++;
    }
    expect(chunks).toBeGreaterThan(0);
    expect(chunks).toBeLessThan(2000);
    expect(await ws.closed).toEqual({ code: 1000, reason: "" });
  });

  test("reading from a client pauses while the handler is behind, and resumes as it catches up", async () => {
    const app = new App({ websocket: { maxPayload: 1000 } });
    app.ws("/ws", async (ws) => {
      await sleep(150);
      const pausedWhileBehind = ws.raw.isPaused;
      const messages: string[] = [];
      for (let i = 0; i < 50; i++) messages.push(String(await ws.receive()));
      await ws.send({ pausedWhileBehind, pausedAfter: ws.raw.isPaused, messages });
    });
    const ws = await clientFor(app).websocket("/ws");
    const sent = Array.from({ length: 50 }, (_, i) => `${i}:${"m".repeat(100)}`);
    for (const message of sent) await ws.send(message);
    expect(await ws.receiveJson()).toEqual({
      pausedWhileBehind: true,
      pausedAfter: false,
      messages: sent,
    });
  });
});

describe("keep-alive", () => {
  test("a peer that stops answering pings is disconnected; the handler's loop ends", async () => {
    const app = new App({ websocket: { pingInterval: 40 } });
    apps.push(app);
    let ended = false;
    app.ws("/ws", async (ws) => {
      for await (const _ of ws);
      ended = true;
    });
    const { port } = await serve(app);
    const dead = new WebSocket(`ws://127.0.0.1:${port}/ws`, { autoPong: false });
    const alive = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    let pings = 0;
    dead.on("ping", () => pings++);
    const deadClosed = new Promise<number>((resolve) => dead.on("close", (code) => resolve(code)));
    expect(await deadClosed).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
    await app.idle();
    expect(ended).toBe(true);
    expect(alive.readyState).toBe(WebSocket.OPEN);
    alive.close();
  });

  test("with pingInterval 0 no pings are sent", async () => {
    const app = new App({ websocket: { pingInterval: 0 } });
    apps.push(app);
    app.ws("/ws", async (ws) => {
      for await (const _ of ws);
    });
    const { port } = await serve(app);
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`, { autoPong: false });
    let pings = 0;
    client.on("ping", () => pings++);
    await new Promise((resolve) => client.on("open", resolve));
    await sleep(100);
    expect(pings).toBe(0);
    expect(client.readyState).toBe(WebSocket.OPEN);
    client.close();
  });
});
