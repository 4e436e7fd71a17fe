// The benchmark: checks every target's answers, then measures each workload on each target with
// wrk, interleaving targets and repeating rounds, and prints the tables of bench/README.md.
//
// Settings (environment): ROUNDS=3 DURATION=10s WARMUP=5s (per run) WARMUP_RUNS=2 CONNECTIONS=64
// TARGETS=vial,fastify,... (default: all) WORKLOADS=json,params,... (default: all)
// SERVER_CPU=0 WRK_CPU=1 (the cores for `taskset -c`; empty to not pin)
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  beginRun,
  countFromEnv,
  describeSettings,
  measureInOrder,
  measureSettings,
  saveRun,
  selectedTargets,
  selectedWorkloads,
} from "./measure.js";
import { environment, type Results, targetChecks, workloadTable } from "./report.js";
import { runHarness } from "./server.js";
import type { WorkloadName } from "./workloads.js";

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function main(): Promise<void> {
  // Read inside main, so a bad setting is reported like any other failure.
  const settings = { ...measureSettings(), rounds: countFromEnv("ROUNDS", 3, 1) };
  const targets = selectedTargets(benchDir);
  const measured = selectedWorkloads();

  const start = await beginRun(benchDir, targets, settings.serverCpu);

  const results: Results = {};
  for (let round = 1; round <= settings.rounds; round++) {
    for (const workload of measured) {
      // Interleaved: each round starts the target order one further, so no target is always first.
      const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]!);
      const samples = await measureInOrder(
        order,
        workload,
        settings,
        `round ${round}/${settings.rounds}`,
      );
      for (const [i, target] of order.entries()) {
        const forTarget = results[target.name] ?? {};
        forTarget[workload.name] = [...(forTarget[workload.name] ?? []), samples[i]!];
        results[target.name] = forTarget;
      }
    }
  }

  const names = targets.map((t) => t.name);
  const described = describeSettings(settings, `${settings.rounds} rounds`, start);
  const report = [
    environment(benchDir, described),
    ...measured.map(
      (w) =>
        `\n### ${w.name}: ${w.method} ${w.path}\n\n${workloadTable(results, w.name as WorkloadName, names)}`,
    ),
    "\n### DESIGN.md section 4 targets (ratios of medians)\n",
    ...targetChecks(results),
  ].join("\n");
  saveRun(start, "bench", report, { settings, results });
}

runHarness(main);
