import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

/** Starts test/reliability/fixtures/load-server.ts in its own process; resolves with its port. */
export async function startLoadServer(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=vial-src", "test/reliability/fixtures/load-server.ts"],
    {
      env: { ...process.env, NODE_ENV: "production", ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let output = "";
  child.stdout!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("load server did not start")), 20_000);
    child.stdout!.on("data", () => {
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`load server exited with ${code}`)));
  });
  return { child, port, output: () => output };
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export interface Outcome {
  status: number;
  ms: number;
  error?: string;
}

const BODY = JSON.stringify({ username: "alice", email: "alice@example.com", age: 30 });

/** One POST /users/ through `agent`; never rejects. */
export function post(port: number, agent: Agent, timeoutMs = 10_000): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/users/",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(BODY) },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }),
        );
        res.on("error", (e) =>
          resolve({ status: 0, ms: performance.now() - started, error: e.message }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) =>
      resolve({
        status: 0,
        ms: performance.now() - started,
        error: (e as NodeJS.ErrnoException).code ?? e.message,
      }),
    );
    req.end(BODY);
  });
}

/** Closed-loop load: `concurrency` clients, each sending as soon as its previous answer came. */
export async function closedLoop(
  port: number,
  concurrency: number,
  seconds: number,
): Promise<Outcome[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const outcomes: Outcome[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) outcomes.push(await post(port, agent));
    }),
  );
  agent.destroy();
  return outcomes;
}

/** Open-loop load: `rate` requests per second whatever the answers, for `seconds`. */
export async function openLoop(
  port: number,
  rate: number,
  seconds: number,
  onTick?: () => void,
): Promise<Outcome[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const pending: Promise<Outcome>[] = [];
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const ticks = Math.round((seconds * 1000) / tickMs);
  for (let t = 0; t < ticks; t++) {
    for (let i = 0; i < perTick; i++) pending.push(post(port, agent, 15_000));
    onTick?.();
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const outcomes = await Promise.all(pending);
  agent.destroy();
  return outcomes;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
