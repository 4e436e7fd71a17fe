import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface Server {
  port: number;
  /** The server's memory use after a GC, in bytes. */
  memory(): Promise<{ rss: number; heapUsed: number; external: number; arrayBuffers: number }>;
  /** CPU time the server has used so far, in microseconds. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts `servers.ts <kind>` in a child process (one core each) and waits for its port. */
export async function startServer(kind: string): Promise<Server> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", new URL("servers.ts", import.meta.url).pathname, kind],
    { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, NODE_ENV: "production" } },
  );
  const lines = createInterface({ input: child.stdout! });
  const next = () => new Promise<string>((resolve) => lines.once("line", resolve));
  const port = Number(await next());
  return {
    port,
    async cpu() {
      child.stdin!.write("cpu\n");
      return Number(await next());
    },
    async memory() {
      child.stdin!.write("memory\n");
      return JSON.parse(await next());
    },
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
