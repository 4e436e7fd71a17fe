// Memory per idle WebSocket connection: CONNECTIONS clients connect and stay idle; the server's
// RSS and heap (after a GC) are compared with before. Vial against ws alone and Fastify. Run through
// memory.sh, which raises the open-file limit first.
import { WebSocket } from "ws";
import { sleep, startServer } from "./spawn.js";

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10_000);
const BATCH = 500;
const MiB = 1024 * 1024;

async function measure(kind: string) {
  const server = await startServer(kind);
  await sleep(500);
  const before = await server.memory();
  const sockets: WebSocket[] = [];
  for (let opened = 0; opened < CONNECTIONS; opened += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, CONNECTIONS - opened) }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
      sockets.push(ws);
      return new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
    });
    await Promise.all(batch);
  }
  await sleep(2000);
  const after = await server.memory();
  for (const ws of sockets) ws.terminate();
  await server.stop();
  const rss = (after.rss - before.rss) / MiB;
  const heap = (after.heapUsed - before.heapUsed) / MiB;
  console.log(
    `${kind.padEnd(10)} ${CONNECTIONS} idle connections: RSS +${rss.toFixed(1)} MiB ` +
      `(${((rss * 1024) / CONNECTIONS).toFixed(2)} KiB each), heap +${heap.toFixed(1)} MiB ` +
      `(${((heap * 1024) / CONNECTIONS).toFixed(2)} KiB each)`,
  );
}

for (const kind of ["idle-ws", "idle-fastify", "idle-vial"]) await measure(kind);
