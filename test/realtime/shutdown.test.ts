import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, depends } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";
import { WebSocket } from "ws";
import { serve, sleep } from "./helpers.js";

describe("app.close()", () => {
  test("closes WebSockets with 1001, then waits for their handlers, tasks and tear-downs", async () => {
    const app = new App();
    const events: string[] = [];
    const db = depends(async function* () {
      try {
        yield "db";
      } finally {
        events.push("db closed");
      }
    });
    app.ws("/ws", { deps: { db } }, async (ws, { background }) => {
      background.add(async () => {
        await sleep(50);
        events.push("task done");
      });
      for await (const _ of ws);
      events.push("handler ended");
    });
    const client = new TestClient(app);
    const first = await client.websocket("/ws");
    const second = await client.websocket("/ws");
    await client.close();
    expect(await first.closed).toEqual({ code: 1001, reason: "Server shutting down" });
    expect(await second.closed).toEqual({ code: 1001, reason: "Server shutting down" });
    expect(events.filter((e) => e === "handler ended")).toHaveLength(2);
    expect(events.filter((e) => e === "task done")).toHaveLength(2);
    expect(events.filter((e) => e === "db closed")).toHaveLength(2);
  });

  test("stops accepting, lets the request in flight finish, then refuses new connections", async () => {
    const app = new App();
    app.get("/slow", async () => {
      await sleep(150);
      return { finished: true };
    });
    const { url } = await serve(app);
    const inFlight = fetch(`${url}/slow`).then((res) => res.json());
    await sleep(30);
    await app.close();
    expect(await inFlight).toEqual({ finished: true });
    await expect(fetch(`${url}/slow`)).rejects.toThrow();
  });

  test("a request still arriving on a kept-alive connection is answered with Connection: close", async () => {
    const app = new App();
    app.get("/hello", () => ({ hello: "world" }));
    const { port } = await serve(app);
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.setEncoding("latin1").on("data", (chunk: string) => {
      received += chunk;
    });
    const ended = new Promise((resolve) => socket.once("close", resolve));
    socket.write("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n");
    while (!received.endsWith('{"hello":"world"}')) await sleep(5);
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received.toLowerCase()).toContain("connection: keep-alive");
    received = "";
    // The next request has begun (half its header block) when shutdown starts, so the
    // connection is busy, not idle: shutdown waits for it instead of closing it.
    socket.write("GET /hello HTTP/1.1\r\n");
    await sleep(20);
    const started = Date.now();
    const closing = app.close();
    await sleep(100);
    socket.write("Host: test\r\n\r\n");
    await closing;
    await ended;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received.toLowerCase()).toContain("connection: close");
    expect(received).toMatch(/\{"hello":"world"\}$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("a WebSocket handler that ignores the close is cut at shutdownTimeout", async () => {
    const app = new App({ shutdownTimeout: 200 });
    app.ws("/ws", async () => {
      await sleep(2000); // never reads, so never sees the close
    });
    const { port } = await serve(app);
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise((resolve) => client.once("open", resolve));
    client.on("close", () => undefined);
    client.pause(); // nor does the client answer the close frame
    const started = Date.now();
    await app.close();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1500);
  });
});

describe("signals", () => {
  const count = () => process.listenerCount("SIGTERM") + process.listenerCount("SIGINT");

  test("listen() handles SIGTERM and SIGINT once for all apps, and close() removes the handlers", async () => {
    const before = count();
    const one = new App();
    const two = new App();
    await one.listen({ port: 0 });
    await two.listen({ port: 0 });
    expect(count()).toBe(before + 2); // one listener per signal, shared
    await one.close();
    expect(count()).toBe(before + 2);
    await two.close();
    expect(count()).toBe(before);
  });

  test("signals: false installs nothing", async () => {
    const before = count();
    const app = new App();
    await app.listen({ port: 0, signals: false });
    expect(count()).toBe(before);
    await app.close();
  });

  test("SIGTERM closes every listening app gracefully", async () => {
    const app = new App();
    app.ws("/ws", async (ws) => {
      for await (const _ of ws);
    });
    const server = await app.listen({ port: 0 });
    const { port } = server.address() as { port: number };
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise((resolve) => client.once("open", resolve));
    const closed = new Promise((resolve) => client.once("close", (code) => resolve(code)));
    // A listener of the program's own: Vial then leaves the process alone after closing.
    const mine = () => undefined;
    process.on("SIGTERM", mine);
    try {
      process.emit("SIGTERM", "SIGTERM");
      expect(await closed).toBe(1001);
      await sleep(20);
      expect(server.listening).toBe(false);
      expect(process.listeners("SIGTERM")).toEqual([mine]);
    } finally {
      process.off("SIGTERM", mine);
    }
  });

  test("a real SIGTERM drains WebSockets and background tasks, then ends the process", async () => {
    const journal = join(mkdtempSync(join(tmpdir(), "vial-sigterm-")), "journal.txt");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=vial-src",
        join(import.meta.dirname, "fixtures/graceful.ts"),
        journal,
      ],
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, VIAL_LOG_LEVEL: "silent" } },
    );
    try {
      const port = await firstLine(child);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      await new Promise((resolve) => ws.once("open", resolve));
      const wsClosed = new Promise((resolve) => ws.once("close", (code) => resolve(code)));
      const res = await fetch(`http://127.0.0.1:${port}/jobs`, { method: "POST" });
      expect(await res.json()).toEqual({ queued: true });
      const exited = new Promise<[number | null, string | null]>((resolve) =>
        child.once("exit", (code, signal) => resolve([code, signal])),
      );
      child.kill("SIGTERM");
      expect(await wsClosed).toBe(1001);
      expect(await exited).toEqual([null, "SIGTERM"]);
      expect(readFileSync(journal, "utf8").split("\n").sort()).toEqual([
        "",
        "job finished",
        "websocket handler ended",
      ]);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!.trim());
    });
    child.once("exit", (code) => reject(new Error(`child exited with ${code} before listening`)));
  });
}

test("a second close() while closing waits for the same graceful shutdown", async () => {
  const app = new App();
  app.get("/slow", async () => {
    await sleep(150);
    return { finished: true };
  });
  const { url } = await serve(app);
  const inFlight = fetch(`${url}/slow`).then((res) => res.json());
  await sleep(30);
  const first = app.close();
  const second = app.close();
  await second;
  // the second call did not return before the request in flight was answered
  expect(await Promise.race([inFlight, sleep(0).then(() => "still running")])).toEqual({
    finished: true,
  });
  await first;
});
