// Driving wrk: one load run against one URL, its output parsed into numbers.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Probe } from "./workloads.js";

export interface LoadResult {
  rps: number;
  p50ms: number;
  p99ms: number;
  requests: number;
  /** Socket errors, plus answers whose status class differs from the expected one. */
  errors: number;
}

export interface LoadOptions {
  duration: string;
  connections: number;
  /** `taskset -c CPU` for wrk itself. */
  cpu?: string;
}

const scripts = mkdtempSync(join(tmpdir(), "vial-bench-"));

/** A wrk Lua script that sends the probe's method and body. */
function scriptFor(probe: Probe): string {
  const path = join(scripts, `${probe.name.replace(/\W+/g, "-")}.lua`);
  const lines = [`wrk.method = "${probe.method}"`];
  if (probe.body !== undefined) {
    lines.push(`wrk.body = ${JSON.stringify(probe.body)}`);
    lines.push(`wrk.headers["Content-Type"] = "application/json"`);
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function milliseconds(value: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value ?? "");
  return match ? Number(match[1]) * UNITS[match[2]!]! : Number.NaN;
}

/** Reads the numbers out of wrk's `--latency` report. */
export function parseWrk(output: string, expectSuccess: boolean): LoadResult {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? Number.NaN);
  const requests = number(/(\d+) requests in/);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = number(/Non-2xx or 3xx responses: (\d+)/) || 0;
  return {
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p50ms: milliseconds(/^\s+50%\s+(\S+)/m.exec(output)?.[1]),
    p99ms: milliseconds(/^\s+99%\s+(\S+)/m.exec(output)?.[1]),
    requests,
    errors: socketErrors + (expectSuccess ? non2xx : requests - non2xx),
  };
}

/** Runs wrk (one thread) against `baseUrl` with the probe's request; stops after `duration`. */
export function runWrk(baseUrl: string, probe: Probe, options: LoadOptions): Promise<LoadResult> {
  const wrk = [
    ...["-t1", `-c${options.connections}`, `-d${options.duration}`, "--latency"],
    ...["-s", scriptFor(probe), baseUrl + probe.path],
  ];
  const [command, args] = options.cpu
    ? ["taskset", ["-c", options.cpu, "wrk", ...wrk]]
    : ["wrk", wrk];
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30 * 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wrk failed: ${error.message}\n${stderr}`));
      resolve(parseWrk(stdout, probe.status < 400));
    });
  });
}
