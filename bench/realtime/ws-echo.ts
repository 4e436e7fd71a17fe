// WebSocket echo round trips per second: Vial, ws alone, Fastify + @fastify/websocket.
// Each server runs in its own process; this process is the client: CONNECTIONS sockets, each
// sending a small message and waiting for its echo before sending the next, for SECONDS.
// Servers are interleaved over ROUNDS rounds, in a rotating order; medians are reported.
import { WebSocket } from "ws";
import { median, type Server, startServer } from "./spawn.js";

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const SECONDS = Number(process.env.SECONDS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const KINDS = (process.env.KINDS ?? "echo-ws,echo-vial,echo-fastify").split(",");
const MESSAGE = JSON.stringify({ type: "chat", text: "hello, world" });

/** Round trips per second, and the server's CPU time per round trip in microseconds. */
async function roundTrips(server: Server): Promise<{ rate: number; cpu: number }> {
  const port = server.port;
  const sockets = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      return new Promise<WebSocket>((resolve, reject) => {
        ws.once("open", () => resolve(ws));
        ws.once("error", reject);
      });
    }),
  );
  let count = 0;
  let running = true;
  for (const ws of sockets) {
    ws.on("message", () => {
      count++;
      if (running) ws.send(MESSAGE);
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 500)); // warm-up
  for (const ws of sockets) ws.send(MESSAGE);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const start = count;
  const cpuBefore = await server.cpu();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const done = count - start;
  const elapsed = (performance.now() - started) / 1000;
  const cpu = (await server.cpu()) - cpuBefore;
  running = false;
  for (const ws of sockets) ws.terminate();
  return { rate: done / elapsed, cpu: cpu / done };
}

const results = new Map<string, number[]>(KINDS.map((k) => [k, []]));
const costs = new Map<string, number[]>(KINDS.map((k) => [k, []]));
{
  // Warm the client up (its JIT), so the first server measured is not penalized.
  const server = await startServer(KINDS[0]!);
  await roundTrips(server);
  await server.stop();
}
for (let round = 1; round <= ROUNDS; round++) {
  // Rotate the order each round, so no server always runs first or last.
  const order = KINDS.map((_, i) => KINDS[(i + round - 1) % KINDS.length]!);
  for (const kind of order) {
    const server = await startServer(kind);
    const { rate, cpu } = await roundTrips(server);
    await server.stop();
    results.get(kind)!.push(rate);
    costs.get(kind)!.push(cpu);
    console.log(
      `round ${round} ${kind.padEnd(14)} ${Math.round(rate)} round trips/s, server ${cpu.toFixed(1)} us CPU each`,
    );
  }
}
const ws = median(results.get(KINDS.includes("echo-ws") ? "echo-ws" : KINDS[0]!)!);
console.log(`\n${CONNECTIONS} connections, ${SECONDS} s, median of ${ROUNDS} rounds:`);
for (const kind of KINDS) {
  const value = median(results.get(kind)!);
  const cpu = median(costs.get(kind)!);
  console.log(
    `${kind.padEnd(14)} ${String(Math.round(value)).padStart(8)} round trips/s  ${(value / ws).toFixed(2)}x ws` +
      `   server CPU ${cpu.toFixed(1)} us per round trip`,
  );
}
