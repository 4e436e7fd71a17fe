// The benchmark: checks every target's answers, then measures each workload on each target with
// wrk, interleaving targets and repeating rounds, and prints the tables of bench/README.md.
//
// Settings (environment): ROUNDS=3 DURATION=10s WARMUP=3s CONNECTIONS=64
// TARGETS=vial,fastify,... (default: all) WORKLOADS=json,params,... (default: all)
// SERVER_CPU=0 WRK_CPU=1 (the cores for `taskset -c`; empty to not pin)
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { environment, type Results, targetChecks, workloadTable } from "./report.js";
import {
  type RunningServer,
  recordPidsIn,
  samplePeakRss,
  serverCpuSeconds,
  startServer,
  stopAllNow,
  stopServer,
} from "./server.js";
import { allTargets, type Target } from "./targets.js";
import { checkAnswers, type WorkloadName, workloads } from "./workloads.js";
import { runWrk } from "./wrk.js";

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const env = process.env;
const settings = {
  rounds: Number(env.ROUNDS ?? 3),
  duration: env.DURATION ?? "10s",
  warmup: env.WARMUP ?? "3s",
  connections: Number(env.CONNECTIONS ?? 64),
  serverCpu: env.SERVER_CPU ?? "0",
  wrkCpu: env.WRK_CPU ?? "1",
};
const list = (value: string | undefined) => value?.split(",").filter(Boolean);

const targets = allTargets(benchDir).filter(
  (t) => !list(env.TARGETS) || list(env.TARGETS)!.includes(t.name),
);
const measured = workloads.filter(
  (w) => !list(env.WORKLOADS) || list(env.WORKLOADS)!.includes(w.name),
);

const start = (target: Target) => startServer(target, { cpu: settings.serverCpu || undefined });

/** Checks every answer of every target; throws listing all wrong ones. */
async function checkAll(): Promise<void> {
  const failures: string[] = [];
  for (const target of targets) {
    if (target.missing) throw new Error(`${target.name}: ${target.missing} (run bench/run.sh)`);
    const server = await start(target);
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

/** One measurement: a fresh server, a warm-up run, then the measured run with RSS sampled. */
async function measure(target: Target, workload: (typeof workloads)[number]) {
  const server: RunningServer = await start(target);
  try {
    const load = { connections: settings.connections, cpu: settings.wrkCpu || undefined };
    if (settings.warmup !== "0s")
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

async function main(): Promise<void> {
  const loadAtStart = loadavg()
    .map((n) => n.toFixed(2))
    .join(", ");
  const resultsDir = join(benchDir, "results");
  mkdirSync(resultsDir, { recursive: true });
  recordPidsIn(join(resultsDir, "servers.pid"));
  await checkAll();

  const results: Results = {};
  for (let round = 1; round <= settings.rounds; round++) {
    for (const workload of measured) {
      // Interleaved: each round starts the target order one further, so no target is always first.
      const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]!);
      for (const target of order) {
        const sample = await measure(target, workload);
        const forTarget = results[target.name] ?? {};
        forTarget[workload.name] = [...(forTarget[workload.name] ?? []), sample];
        results[target.name] = forTarget;
        console.log(
          `round ${round}/${settings.rounds} ${workload.name.padEnd(7)} ${target.name.padEnd(15)}` +
            ` ${sample.rps.toFixed(0).padStart(6)} req/s  p50 ${sample.p50ms.toFixed(2)} ms` +
            `  p99 ${sample.p99ms.toFixed(2)} ms  errors ${sample.errors}  rss ${sample.rssMiB.toFixed(0)} MiB` +
            `  cpu ${sample.cpuUs.toFixed(0)} µs/req`,
        );
      }
    }
  }

  const names = targets.map((t) => t.name);
  const described = `${settings.rounds} rounds, ${settings.duration} per run after a ${settings.warmup} warm-up, ${settings.connections} connections, wrk -t1 on core ${settings.wrkCpu}, server on core ${settings.serverCpu}, NODE_ENV=production, a fresh server process per run; load average at the start ${loadAtStart}`;
  const report = [
    environment(benchDir, described),
    ...measured.map(
      (w) =>
        `\n### ${w.name}: ${w.method} ${w.path}\n\n${workloadTable(results, w.name as WorkloadName, names)}`,
    ),
    "\n### DESIGN.md section 4 targets (ratios of medians)\n",
    ...targetChecks(results),
  ].join("\n");
  console.log(`\n${report}`);
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, "-");
  writeFileSync(join(resultsDir, `bench-${stamp}.md`), `${report}\n`);
  writeFileSync(
    join(resultsDir, `bench-${stamp}.json`),
    JSON.stringify({ settings, results }, null, 2),
  );
  console.log(`\nwritten to bench/results/bench-${stamp}.md and .json`);
}

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
