// Starting and stopping one server under test: a free port on 127.0.0.1, a pinned core, a wait
// until it answers, its memory, and a stop by PID that also runs when the harness fails.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { createServer } from "node:net";
import type { Target } from "./targets.js";

export interface RunningServer {
  target: Target;
  port: number;
  url: string;
  child: ChildProcess;
  /** What the server wrote to stderr, for error messages. */
  stderr: () => string;
}

const running = new Set<ChildProcess>();

/** Where running servers' PIDs are listed, so that run.sh's trap can stop them if we die. */
let pidFile: string | undefined;
export function recordPidsIn(path: string): void {
  pidFile = path;
  writePids();
}

function writePids(): void {
  if (!pidFile) return;
  const pids = [...running].map((child) => child.pid).filter(Boolean);
  writeFileSync(pidFile, pids.map((pid) => `${pid}\n`).join(""));
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once GET `url` answers at all; rejects if the process exits or `timeoutMs` passes. */
export async function waitUntilAnswering(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  pollMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited with ${child.exitCode ?? child.signalCode} before answering`);
    }
    try {
      await answersOnce(url, 1000);
      return;
    } catch {
      await sleep(pollMs);
    }
  }
  throw new Error(`did not answer ${url} within ${timeoutMs} ms`);
}

/**
 * One GET on a connection of its own that the server closes after answering. A pooled
 * keep-alive connection would stay open and be closed by the client (after the server's
 * keep-alive timeout, 5 s for most targets) in the middle of a measured run; a connection's first
 * close makes node re-optimize its http code, which stalls the server for tens of milliseconds.
 */
function answersOnce(url: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, headers: { connection: "close" } }, (response) => {
      response.resume();
      response.on("end", resolve).on("error", reject);
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error("timed out")));
    request.on("error", reject);
  });
}

export interface StartOptions {
  /** `taskset -c CPU`: the core the server is pinned to. */
  cpu?: string;
  env?: Record<string, string>;
  /** Extra arguments to node (e.g. --cpu-prof) for Node targets. */
  nodeArgs?: string[];
  /** What to GET to know the server is up (default /json), and how often to try (default 20 ms). */
  readyPath?: string;
  pollMs?: number;
}

/** Starts `target` on a free port and waits until it answers GET /json (or `readyPath`). */
export async function startServer(
  target: Target,
  options: StartOptions = {},
): Promise<RunningServer> {
  const port = await freePort();
  const args = [...(options.nodeArgs ?? []), ...target.args(port)];
  const [command, argv] = options.cpu
    ? ["taskset", ["-c", options.cpu, target.command, ...args]]
    : [target.command, args];
  const child = spawn(command, argv, {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
    // Its own process group, so gunicorn's worker is stopped with its master.
    detached: true,
  });
  running.add(child);
  writePids();
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const server = { target, port, url, child, stderr: () => stderr };
  try {
    await waitUntilAnswering(url + (options.readyPath ?? "/json"), child, 60_000, options.pollMs);
  } catch (error) {
    await stopServer(server);
    throw new Error(`${target.name}: ${(error as Error).message}\n${stderr}`);
  }
  return server;
}

/** Stops the server's process group by its PID: SIGTERM, then SIGKILL after 5 s. */
export async function stopServer(server: RunningServer): Promise<void> {
  const { child } = server;
  running.delete(child);
  writePids();
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  signalGroup(child.pid, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Stops every server still running; for exit and signal handlers. */
function stopAllNow(): void {
  for (const child of running) if (child.pid) signalGroup(child.pid, "SIGKILL");
  running.clear();
  writePids();
}

/** PIDs of `pid` and all its descendants (gunicorn's worker is a child of its master). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    children = text ? text.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
  return [pid, ...children.flatMap(processTree)];
}

function residentKiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Resident memory of the server and its children, in MiB. */
export function residentMiB(server: RunningServer): number {
  const pid = server.child.pid;
  if (!pid) return 0;
  return processTree(pid).reduce((sum, p) => sum + residentKiB(p), 0) / 1024;
}

/** CPU seconds (user + system) used so far by one process; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Linux's USER_HZ, the unit of /proc/PID/stat times (100 on every common build). */
const CLOCK_TICKS = 100;

/** CPU seconds used by the server and its children so far. */
export function serverCpuSeconds(server: RunningServer): number {
  const pid = server.child.pid;
  return pid ? processTree(pid).reduce((sum, p) => sum + cpuSeconds(p), 0) : 0;
}

/** Samples the server's RSS every `everyMs` until stopped; `stop()` returns the peak in MiB. */
export function samplePeakRss(server: RunningServer, everyMs = 200): () => number {
  let peak = residentMiB(server);
  const timer = setInterval(() => {
    peak = Math.max(peak, residentMiB(server));
  }, everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, residentMiB(server));
  };
}

/**
 * Runs a harness's `main`: servers are stopped when it ends, fails or is interrupted, and a
 * failure is printed and exits with status 1.
 */
export function runHarness(main: () => Promise<void>): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      stopAllNow();
      process.exit(130);
    });
  }
  process.on("exit", stopAllNow);
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    stopAllNow();
    process.exit(1);
  });
}
