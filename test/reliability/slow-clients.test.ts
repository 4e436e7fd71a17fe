import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { App, z } from "vial";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rawExchange, statusOf } from "../bad-input/raw.js";

// Slow clients are cut off by timeouts (short ones here, so the test is quick) while other
// clients keep getting answers at normal latency.
const app = new App({
  bodyTimeout: 400,
  server: { headersTimeout: 800, requestTimeout: 3000, connectionsCheckingInterval: 100 },
});
app.post("/upload", { body: z.any() }, () => "stored");
app.get("/ok", () => "ok");
let port = 0;

beforeAll(async () => {
  port = ((await app.listen(0)).address() as AddressInfo).port;
});
afterAll(() => app.close());

async function latencyOfOk(): Promise<number> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/ok`);
  await res.text();
  return performance.now() - started;
}

describe("slow clients", () => {
  test("a body that stops arriving gets 408 and the connection is closed", async () => {
    const started = performance.now();
    const { text, closed } = await rawExchange(
      port,
      [
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
        '{"a": ',
      ],
      { timeoutMs: 3000 },
    );
    expect(statusOf(text)).toBe(408);
    expect(text).toMatch(/Request body timed out/);
    expect(closed).toBe(true);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  test("a body trickling a byte at a time within the idle timeout is still read", async () => {
    const body = '{"a":1}';
    const { text } = await rawExchange(
      port,
      [
        `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
        ...body.split(""),
      ],
      { gapMs: 100, timeoutMs: 3000 },
    );
    expect(statusOf(text)).toBe(200);
  });

  test("slowloris: trickled headers are cut off by headersTimeout while others are served promptly", async () => {
    const sockets = Array.from({ length: 20 }, () => connect(port, "127.0.0.1"));
    const closedAt: number[] = [];
    const started = performance.now();
    for (const socket of sockets) {
      socket.on("error", () => {});
      socket.on("close", () => closedAt.push(performance.now() - started));
      socket.write("GET /ok HTTP/1.1\r\nHost: x\r\n");
    }
    const trickle = setInterval(() => {
      for (const socket of sockets)
        if (!socket.destroyed) socket.write(`X-Slow-${Math.random().toString(36).slice(2)}: 1\r\n`);
    }, 100);
    try {
      const latencies: number[] = [];
      for (let i = 0; i < 10; i++) latencies.push(await latencyOfOk());
      expect(Math.max(...latencies)).toBeLessThan(200);
      await new Promise((r) => setTimeout(r, 1500));
      expect(closedAt.length).toBe(20);
      expect(Math.max(...closedAt)).toBeLessThan(1500);
    } finally {
      clearInterval(trickle);
      for (const socket of sockets) socket.destroy();
    }
  });
});
