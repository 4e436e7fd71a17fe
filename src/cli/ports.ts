import { createServer } from "node:net";

/** Whether `port` on `host` can be listened on now (bound exclusively, even in a cluster worker). */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the system has free now: what `--port 0` becomes, so every restart keeps it. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The first free port after `port` (the next ten), else any free one: what to suggest. */
export async function suggestPort(host: string, port: number): Promise<number> {
  for (let candidate = port + 1; candidate <= Math.min(port + 10, 65535); candidate++) {
    if (await portFree(host, candidate)) return candidate;
  }
  return freePort(host);
}
