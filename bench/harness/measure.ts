// One measurement of one target on one workload: a fresh server pinned to its core, warm-up
// runs, then the measured run with the server's peak RSS and CPU time taken alongside.

import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { Sample } from "./report.js";
import {
  recordPidsIn,
  samplePeakRss,
  serverCpuSeconds,
  startServer,
  stopServer,
} from "./server.js";
import { allTargets, type Target } from "./targets.js";
import { checkAnswers, type Probe, type Workload, workloads } from "./workloads.js";
import { runWrk } from "./wrk.js";

export interface MeasureSettings {
  duration: string;
  /** Each warm-up run's duration. */
  warmup: string;
  /**
   * Warm-up runs, each on its own connections. Two, so that the process has already seen
   * connections close before the measured run: the first close deoptimizes node's http and
   * stream code, and its re-optimization stalls the next run for about 75 ms, which would land
   * in that run's p99 (bench/README.md, "Tail latency, paired").
   */
  warmupRuns: number;
  connections: number;
  /** The cores for `taskset -c`; empty to not pin. */
  serverCpu: string;
  wrkCpu: string;
}

async function measure(
  target: Target,
  workload: Probe,
  settings: MeasureSettings,
): Promise<Sample> {
  const server = await startServer(target, { cpu: settings.serverCpu || undefined });
  try {
    const load = { connections: settings.connections, cpu: settings.wrkCpu || undefined };
    for (let run = 0; run < warmupRuns(settings); run++)
      await runWrk(server.url, workload, { ...load, duration: settings.warmup });
    const peak = samplePeakRss(server);
    const cpuBefore = serverCpuSeconds(server);
    const result = await runWrk(server.url, workload, { ...load, duration: settings.duration });
    const cpuUs = ((serverCpuSeconds(server) - cpuBefore) / result.requests) * 1e6;
    return { ...result, rssMiB: peak(), cpuUs };
  } finally {
    await stopServer(server);
  }
}

/** The warm-up runs `settings` asks for: `WARMUP_RUNS`, or none when `WARMUP=0s`. */
function warmupRuns(settings: MeasureSettings): number {
  return settings.warmup === "0s" ? 0 : settings.warmupRuns;
}

/**
 * A whole number from the environment variable `name`, or `fallback` when it is unset; anything
 * else stops the run before it starts (a typo must not silently mean zero rounds or warm-ups).
 */
export function countFromEnv(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number >= ${min}, got '${raw}'`);
  }
  return value;
}

/**
 * The defaults. Each warm-up run lasts 5 s, so two of them put the measured run in the state a
 * long-running server is in: V8 grows a node process's young generation once, 4-6 s into its
 * first load (to 16 MiB semi-spaces), and in Vial's process the second of that step had a p99
 * well above the others; measured earlier, p99 shows when a process happens to reach it rather
 * than how the server answers (bench/README.md, "Tail latency, paired").
 */
const DEFAULTS = { duration: "10s", warmup: "5s", warmupRuns: 2 };

/**
 * DURATION, WARMUP, WARMUP_RUNS, CONNECTIONS, SERVER_CPU and WRK_CPU from the environment;
 * `defaults` changes what an unset variable means (the latency run's shorter `duration`).
 */
export function measureSettings(defaults: Partial<typeof DEFAULTS> = {}): MeasureSettings {
  const { duration, warmup, warmupRuns } = { ...DEFAULTS, ...defaults };
  const env = process.env;
  return {
    duration: env.DURATION ?? duration,
    warmup: env.WARMUP ?? warmup,
    warmupRuns: countFromEnv("WARMUP_RUNS", warmupRuns),
    connections: countFromEnv("CONNECTIONS", 64, 1),
    serverCpu: env.SERVER_CPU ?? "0",
    wrkCpu: env.WRK_CPU ?? "1",
  };
}

const listed = (value: string | undefined) => value?.split(",").filter(Boolean);

/** The targets named in TARGETS (all when unset), in `fallback`'s order when given. */
export function selectedTargets(benchDir: string, fallback?: string[]): Target[] {
  const names = listed(process.env.TARGETS) ?? fallback;
  const all = allTargets(benchDir);
  if (!names) return all;
  const unknown = names.filter((name) => !all.some((t) => t.name === name));
  if (unknown.length) throw new Error(`unknown target ${unknown.join(", ")}`);
  return names.map((name) => all.find((t) => t.name === name)!);
}

/** The workloads named in WORKLOADS (all when unset). */
export function selectedWorkloads(): Workload[] {
  const names = listed(process.env.WORKLOADS);
  return workloads.filter((w) => !names || names.includes(w.name));
}

/** Checks every answer of every target; throws listing all wrong ones. */
async function checkAll(targets: Target[], serverCpu: string): Promise<void> {
  const failures: string[] = [];
  for (const target of targets) {
    if (target.missing) throw new Error(`${target.name}: ${target.missing} (run bench/run.sh)`);
    const server = await startServer(target, { cpu: serverCpu || undefined });
    try {
      const wrong = await checkAnswers(server.url);
      failures.push(...wrong.map((line) => `${target.name} ${line}`));
      console.log(`checked ${target.name}: ${wrong.length ? "WRONG" : "ok"}`);
    } finally {
      await stopServer(server);
    }
  }
  if (failures.length) throw new Error(`wrong answers, nothing measured:\n${failures.join("\n")}`);
}

/**
 * Measures `workload` on each target of `order` in turn and prints a progress line for each;
 * the samples come back in `order`'s order.
 */
export async function measureInOrder(
  order: Target[],
  workload: Workload,
  settings: MeasureSettings,
  progress: string,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const target of order) {
    const sample = await measure(target, workload, settings);
    samples.push(sample);
    console.log(`${progress} ${describeSample(workload, target, sample)}`);
  }
  return samples;
}

/** One progress line for a sample. */
function describeSample(workload: Workload, target: Target, sample: Sample): string {
  return (
    `${workload.name.padEnd(7)} ${target.name.padEnd(15)}` +
    ` ${sample.rps.toFixed(0).padStart(6)} req/s  p50 ${sample.p50ms.toFixed(2)} ms` +
    `  p99 ${sample.p99ms.toFixed(2)} ms  errors ${sample.errors}  rss ${sample.rssMiB.toFixed(0)} MiB` +
    `  cpu ${sample.cpuUs.toFixed(0)} µs/req`
  );
}

/** What a run knows before its first measurement. */
export interface RunStart {
  resultsDir: string;
  /** The load average (1, 5, 15 min) when the run began. */
  loadAtStart: string;
}

/**
 * Starts a measuring run: notes the load average, creates bench/results/ with the PID file that
 * run.sh's trap reads, and checks every target's answers (throws before anything is measured).
 */
export async function beginRun(
  benchDir: string,
  targets: Target[],
  serverCpu: string,
): Promise<RunStart> {
  const loadAtStart = loadavg()
    .map((n) => n.toFixed(2))
    .join(", ");
  const resultsDir = join(benchDir, "results");
  mkdirSync(resultsDir, { recursive: true });
  recordPidsIn(join(resultsDir, "servers.pid"));
  await checkAll(targets, serverCpu);
  return { resultsDir, loadAtStart };
}

/** The settings line of a report: `rounds` says how rounds were run, the rest is common. */
export function describeSettings(
  settings: MeasureSettings,
  rounds: string,
  start: RunStart,
): string {
  const runs = warmupRuns(settings);
  const warmup =
    runs === 0
      ? "without a warm-up"
      : runs === 1
        ? `after a ${settings.warmup} warm-up`
        : `after ${runs} warm-up runs of ${settings.warmup}`;
  return `${rounds}, ${settings.duration} per run ${warmup}, ${settings.connections} connections, wrk -t1 on core ${settings.wrkCpu}, server on core ${settings.serverCpu}, NODE_ENV=production, a fresh server process per run; load average at the start ${start.loadAtStart}`;
}

/** Prints the report and writes it, with the raw samples, to bench/results/<prefix>-<time>.md/.json. */
export function saveRun(start: RunStart, prefix: string, report: string, data: unknown): void {
  console.log(`\n${report}`);
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, "-");
  writeFileSync(join(start.resultsDir, `${prefix}-${stamp}.md`), `${report}\n`);
  writeFileSync(join(start.resultsDir, `${prefix}-${stamp}.json`), JSON.stringify(data, null, 2));
  console.log(`\nwritten to bench/results/${prefix}-${stamp}.md and .json`);
}
