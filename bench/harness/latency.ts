// Tail latency, paired: Vial and its peers measured back to back in many short rounds, so that
// each round compares p99s taken within seconds of each other. A single p99 moves by 0.2-0.3 ms
// from one run to the next on this machine, more than the gaps being judged; a median of three
// such values (the throughput run) cannot settle a 0.1 ms question, a median of ten paired
// ratios can. The order alternates (A B C, then C B A) so no target always runs first.
//
// Settings: LATENCY_ROUNDS=10 DURATION=5s WARMUP=5s (per run) WARMUP_RUNS=2 TARGETS=vial,fastify,node-http
// WORKLOADS=json,params,... (default: all) CONNECTIONS=64 SERVER_CPU=0 WRK_CPU=1
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
import { environment, latencyTable, type Sample } from "./report.js";
import { runHarness } from "./server.js";

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function main(): Promise<void> {
  // Read inside main, so a bad setting is reported like any other failure.
  const rounds = countFromEnv("LATENCY_ROUNDS", 10, 1);
  const settings = measureSettings({ duration: "5s" });
  const targets = selectedTargets(benchDir, ["vial", "fastify", "node-http"]);
  const measured = selectedWorkloads();

  const start = await beginRun(benchDir, targets, settings.serverCpu);

  const sections: string[] = [];
  const raw: Record<string, Record<string, Sample[]>> = {};
  for (const workload of measured) {
    const byTarget = new Map(targets.map((t) => [t.name, [] as Sample[]]));
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? targets : [...targets].reverse();
      const samples = await measureInOrder(order, workload, settings, `round ${round}/${rounds}`);
      for (const [i, target] of order.entries()) byTarget.get(target.name)!.push(samples[i]!);
    }
    raw[workload.name] = Object.fromEntries(byTarget);
    sections.push(
      `\n### ${workload.name}: ${workload.method} ${workload.path}\n`,
      ...latencyTable(byTarget),
    );
  }

  const described = describeSettings(
    settings,
    `${rounds} paired rounds per workload, order alternating each round`,
    start,
  );
  const report = [environment(benchDir, described), ...sections].join("\n");
  saveRun(start, "latency", report, { settings: { ...settings, rounds }, results: raw });
}

runHarness(main);
