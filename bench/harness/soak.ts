// Memory under sustained load: the `body` workload at full load for SOAK_DURATION (default 5
// minutes), RSS sampled every SOAK_SAMPLE seconds (default 5); reports the least-squares slope
// of RSS over time, over all samples and after the first minute (once the heap has settled).
//
// Settings: SOAK_DURATION=300 SOAK_SAMPLE=5 SOAK_TARGETS=vial CONNECTIONS=64
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { residentMiB, runHarness, startServer, stopServer } from "./server.js";
import { allTargets } from "./targets.js";
import { workloads } from "./workloads.js";
import { runWrk } from "./wrk.js";

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const seconds = Number(process.env.SOAK_DURATION ?? 300);
const every = Number(process.env.SOAK_SAMPLE ?? 5);
const names = (process.env.SOAK_TARGETS ?? "vial").split(",");
const connections = Number(process.env.CONNECTIONS ?? 64);
const body = workloads.find((w) => w.name === "body")!;

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

async function soak(name: string): Promise<string[]> {
  const target = allTargets(benchDir).find((t) => t.name === name);
  if (!target) throw new Error(`unknown target ${name}`);
  const server = await startServer(target, { cpu: "0" });
  try {
    const samples: [number, number][] = [[0, residentMiB(server)]];
    const began = Date.now();
    const timer = setInterval(() => {
      samples.push([(Date.now() - began) / 1000, residentMiB(server)]);
    }, every * 1000);
    const load = await runWrk(server.url, body, {
      connections,
      cpu: "1",
      duration: `${seconds}s`,
    });
    clearInterval(timer);
    const perMinute = (points: [number, number][]) => (slope(points) * 60).toFixed(2);
    const settled = samples.filter(([t]) => t >= 60);
    const rss = samples.map(([, y]) => y);
    const trace = samples.map(([t, y]) => `${t.toFixed(0)}s ${y.toFixed(0)}`).join(", ");
    return [
      `| ${name} | ${load.rps.toFixed(0)} | ${load.errors} | ${rss[1]?.toFixed(0)} | ${rss.at(-1)?.toFixed(0)} | ${Math.max(...rss).toFixed(0)} | ${perMinute(samples)} | ${settled.length > 2 ? perMinute(settled) : "n/a"} |`,
      `\n${name} RSS MiB every ${every} s: ${trace}\n`,
    ];
  } finally {
    await stopServer(server);
  }
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const traces: string[] = [];
  for (const name of names) {
    const [row, trace] = await soak(name);
    rows.push(row!);
    traces.push(trace!);
    console.log(row);
  }
  const report = [
    `Memory: \`body\` workload for ${seconds} s at full load (${connections} connections), RSS sampled every ${every} s`,
    "",
    "| target | req/s | errors | RSS MiB after 5 s | at end | peak | slope MiB/min (all) | slope MiB/min (after 60 s) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    ...traces,
  ].join("\n");
  console.log(`\n${report}`);
  mkdirSync(join(benchDir, "results"), { recursive: true });
  writeFileSync(join(benchDir, "results", "soak.md"), `${report}\n`);
}

runHarness(main);
