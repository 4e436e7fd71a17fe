// The servers under test, each started in its own process by the benchmark scripts:
//   node --import tsx servers.ts <echo-vial|echo-ws|echo-fastify|sse-vial|sse-node|idle-vial|idle-ws|idle-fastify>
// Prints the port once listening; answers "memory" on stdin with its memory use (after a GC),
// "cpu" with the CPU time it has used, in microseconds.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import websocket from "@fastify/websocket";
import Fastify from "fastify";
import { WebSocketServer } from "ws";
import { App, EventSourceResponse } from "../../src/index.js";

const kind = process.argv[2];
const EVENT = { data: { symbol: "VIAL", price: 101.25 } };

async function start(): Promise<number> {
  switch (kind) {
    case "echo-vial": {
      const app = new App({ logger: false });
      app.ws("/ws", async (ws) => {
        for await (const data of ws) ws.send(data);
      });
      return port(await app.listen({ port: 0, signals: false }));
    }
    case "echo-ws": {
      const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
      wss.on("connection", (ws) => ws.on("message", (data, binary) => ws.send(data, { binary })));
      await new Promise((resolve) => wss.once("listening", resolve));
      return (wss.address() as AddressInfo).port;
    }
    case "echo-fastify": {
      const fastify = Fastify({ logger: false });
      await fastify.register(websocket);
      fastify.register(async (scope) => {
        scope.get("/ws", { websocket: true }, (socket) => {
          socket.on("message", (data, binary) => socket.send(data, { binary }));
        });
      });
      await fastify.listen({ port: 0, host: "127.0.0.1" });
      return (fastify.server.address() as AddressInfo).port;
    }
    case "sse-vial": {
      const app = new App({ logger: false });
      app.get(
        "/events",
        () =>
          new EventSourceResponse(async function* ({ signal }) {
            while (!signal.aborted) yield EVENT;
          }),
      );
      return port(await app.listen({ port: 0, signals: false }));
    }
    case "sse-node": {
      // The ceiling: node:http writing the same events by hand (each one encoded), with
      // backpressure, and no generator in between.
      const server = createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        const pump = () => {
          while (!res.destroyed && res.write(`data: ${JSON.stringify(EVENT.data)}\n\n`));
        };
        res.on("drain", pump);
        pump();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return port(server);
    }
    case "idle-vial": {
      const app = new App({ logger: false });
      app.ws("/ws", async (ws) => {
        for await (const _ of ws);
      });
      return port(await app.listen({ port: 0, signals: false }));
    }
    case "idle-fastify": {
      const fastify = Fastify({ logger: false });
      await fastify.register(websocket);
      fastify.register(async (scope) => {
        scope.get("/ws", { websocket: true }, (socket) => socket.on("message", () => undefined));
      });
      await fastify.listen({ port: 0, host: "127.0.0.1" });
      return (fastify.server.address() as AddressInfo).port;
    }
    case "idle-ws": {
      const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
      wss.on("connection", (ws) => ws.on("message", () => undefined));
      await new Promise((resolve) => wss.once("listening", resolve));
      return (wss.address() as AddressInfo).port;
    }
    default:
      throw new Error(`unknown server ${kind}`);
  }
}

function port(server: { address(): unknown }): number {
  return (server.address() as AddressInfo).port;
}

process.stdout.write(`${await start()}\n`);
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "cpu") {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${user + system}\n`);
  } else if (line === "memory") {
    globalThis.gc?.();
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ rss, heapUsed, external, arrayBuffers })}\n`);
  }
});
