import { TestClient } from "vial/testing";
import { afterEach, expect, test } from "vitest";
import { createApp } from "../../examples/echo/app.js";

let client: TestClient;
afterEach(() => client.close());

test("the echo answers every message with 'Message received: ...'", async () => {
  client = new TestClient(createApp());
  const ws = await client.websocket("/ws");
  for (const text of ["hello", "second message", "ünïcödé"]) {
    await ws.send(text);
    expect(await ws.receive()).toBe(`Message received: ${text}`);
  }
  await ws.close();
});

test("the page at / connects to /ws", async () => {
  client = new TestClient(createApp());
  const res = await client.get("/");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(res.text()).toContain('new WebSocket(location.origin.replace(/^http/, "ws") + "/ws")');
});
