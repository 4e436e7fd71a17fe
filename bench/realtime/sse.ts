// Server-Sent Events per second: Vial's EventSourceResponse from an async generator that yields
// as fast as the client takes them, against node:http writing the same events by hand.
// CLIENTS connections read for SECONDS; servers interleaved over ROUNDS rounds; medians.
import { request } from "node:http";
import { median, type Server, startServer } from "./spawn.js";

const CLIENTS = Number(process.env.CLIENTS ?? 10);
const SECONDS = Number(process.env.SECONDS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const KINDS = ["sse-node", "sse-vial"];

// Both servers send the same bytes per event, so events = bytes / EVENT_BYTES (exact, even
// when an event is split across chunks).
const EVENT_BYTES = Buffer.byteLength(
  `data: ${JSON.stringify({ symbol: "VIAL", price: 101.25 })}\n\n`,
);

function countEvents(port: number, until: { stop: boolean }): Promise<() => number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const req = request({ host: "127.0.0.1", port, path: "/events" }, (res) => {
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (until.stop) req.destroy();
      });
      resolve(() => bytes / EVENT_BYTES);
    });
    req.on("error", (error) => {
      if (!until.stop) reject(error);
    });
    req.end();
  });
}

/** Events per second, and the server's CPU time per event in microseconds. */
async function eventsPerSecond(server: Server): Promise<{ rate: number; cpu: number }> {
  const port = server.port;
  const until = { stop: false };
  const counters = await Promise.all(
    Array.from({ length: CLIENTS }, () => countEvents(port, until)),
  );
  const total = () => counters.reduce((sum, count) => sum + count(), 0);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const start = total();
  const cpuBefore = await server.cpu();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const events = total() - start;
  const rate = events / ((performance.now() - started) / 1000);
  const cpu = (await server.cpu()) - cpuBefore;
  until.stop = true;
  return { rate, cpu: cpu / events };
}

const results = new Map<string, number[]>(KINDS.map((k) => [k, []]));
const costs = new Map<string, number[]>(KINDS.map((k) => [k, []]));
{
  // Warm the client up (its JIT), so the first server measured is not penalized.
  const server = await startServer(KINDS[0]!);
  await eventsPerSecond(server);
  await server.stop();
}
for (let round = 1; round <= ROUNDS; round++) {
  // Rotate the order each round, so no server always runs first or last.
  const order = KINDS.map((_, i) => KINDS[(i + round - 1) % KINDS.length]!);
  for (const kind of order) {
    const server = await startServer(kind);
    const { rate, cpu } = await eventsPerSecond(server);
    await server.stop();
    results.get(kind)!.push(rate);
    costs.get(kind)!.push(cpu);
    console.log(
      `round ${round} ${kind.padEnd(9)} ${Math.round(rate)} events/s, server ${cpu.toFixed(2)} us CPU each`,
    );
  }
}
const ceiling = median(results.get(KINDS.includes("sse-node") ? "sse-node" : KINDS[0]!)!);
console.log(`\n${CLIENTS} clients, ${SECONDS} s, median of ${ROUNDS} rounds:`);
for (const kind of KINDS) {
  const value = median(results.get(kind)!);
  const cpu = median(costs.get(kind)!);
  console.log(
    `${kind.padEnd(9)} ${String(Math.round(value)).padStart(9)} events/s  ${(value / ceiling).toFixed(2)}x node:http` +
      `   server CPU ${cpu.toFixed(2)} us per event`,
  );
}
