// Turning measurements into the tables of bench/README.md: medians with ranges, ratios to
// Fastify and to raw node:http, and the DESIGN.md section 4 targets checked.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import type { WorkloadName } from "./workloads.js";
import type { LoadResult } from "./wrk.js";

export interface Sample extends LoadResult {
  rssMiB: number;
  /** Server CPU time (user + system) per request, in microseconds: robust to a busy machine. */
  cpuUs: number;
}

/** Samples per target, then per workload, one per round. */
export type Results = Record<string, Partial<Record<WorkloadName, Sample[]>>>;

export function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const fixed = (value: number, digits: number) =>
  Number.isNaN(value) ? "n/a" : value.toFixed(digits);
const fixed2 = (value: number) => fixed(value, 2);
const thousands = (value: number) =>
  Number.isNaN(value) ? "n/a" : `${(value / 1000).toFixed(1)}k`;

/**
 * `vial`'s p99 over `other`'s, round by round (samples taken within seconds of each other);
 * NaN where either is missing.
 */
export function pairedRatios(vial: Sample[], other: Sample[]): number[] {
  return vial.map((sample, i) => sample.p99ms / (other[i]?.p99ms ?? Number.NaN));
}

/** The markdown for one workload: p99 per round per target, then Vial's paired ratios. */
export function latencyTable(byTarget: Map<string, Sample[]>): string[] {
  const lines = [
    "| target | p99 ms per round | p99 median | p50 median | req/s median |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const [name, samples] of byTarget) {
    const p99 = samples.map((s) => s.p99ms);
    lines.push(
      `| ${name} | ${p99.map(fixed2).join(" ")} | **${fixed2(median(p99))}** | ${fixed2(median(samples.map((s) => s.p50ms)))} | ${thousands(median(samples.map((s) => s.rps)))} |`,
    );
  }
  const vial = byTarget.get("vial");
  if (!vial) return lines;
  lines.push("");
  for (const [name, samples] of byTarget) {
    if (name === "vial") continue;
    const ratios = pairedRatios(vial, samples).filter((r) => !Number.isNaN(r));
    const lower = ratios.filter((r) => r < 1).length;
    const sorted = [...ratios].sort((a, b) => a - b);
    lines.push(
      `- Vial p99 / ${name} p99, paired by round: median **${fixed2(median(ratios))}**` +
        ` (range ${fixed2(sorted[0] ?? Number.NaN)}–${fixed2(sorted.at(-1) ?? Number.NaN)});` +
        ` Vial's p99 lower in ${lower} of ${ratios.length} rounds`,
    );
  }
  return lines;
}

/** The median of one measure over the rounds, or NaN when there is none. */
export function medianOf(samples: Sample[] | undefined, key: keyof Sample): number {
  return median((samples ?? []).map((s) => s[key]));
}

/** One markdown table for one workload. */
export function workloadTable(results: Results, workload: WorkloadName, targets: string[]): string {
  const base = (name: string) => medianOf(results[name]?.[workload], "rps");
  const cpuBase = (name: string) => medianOf(results[name]?.[workload], "cpuUs");
  const rows = targets.map((name) => {
    const samples = results[name]?.[workload] ?? [];
    const rps = samples.map((s) => s.rps);
    const mid = median(rps);
    const range = `${thousands(Math.min(...rps))}–${thousands(Math.max(...rps))}`;
    return [
      name,
      `**${thousands(mid)}** (${range})`,
      fixed(medianOf(samples, "p50ms"), 2),
      fixed(medianOf(samples, "p99ms"), 2),
      String(samples.reduce((sum, s) => sum + s.errors, 0)),
      fixed(medianOf(samples, "rssMiB"), 0),
      fixed(mid / base("fastify"), 2),
      fixed(mid / base("node-http"), 2),
      fixed(medianOf(samples, "cpuUs"), 0),
      fixed(cpuBase("fastify") / medianOf(samples, "cpuUs"), 2),
      fixed(cpuBase("node-http") / medianOf(samples, "cpuUs"), 2),
    ];
  });
  const header = [
    "target",
    "req/s median (range)",
    "p50 ms",
    "p99 ms",
    "errors",
    "peak RSS MiB",
    "× Fastify",
    "× node:http",
    "CPU µs/req",
    "× Fastify (CPU)",
    "× node:http (CPU)",
  ];
  return [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

/** The better of two targets on `workload` (FastAPI and Flask come as current and Debian builds). */
function faster(results: Results, workload: WorkloadName, names: string[]): string | undefined {
  const present = names.filter((name) => results[name]?.[workload]);
  return present.sort(
    (a, b) => medianOf(results[b]?.[workload], "rps") - medianOf(results[a]?.[workload], "rps"),
  )[0];
}

/**
 * Each DESIGN.md section 4 target as one line: the measured ratio, and met or missed. Throughput
 * ratios come twice: from req/s, and from server CPU time per request (which a busy machine
 * disturbs much less, as it does not count the time the server waited for a core).
 */
export function targetChecks(results: Results): string[] {
  const of = (name: string | undefined, w: WorkloadName, key: keyof Sample) =>
    name ? medianOf(results[name]?.[w], key) : Number.NaN;
  const lines: string[] = [];
  const verdict = (value: number, goal: number, higherIsBetter: boolean) => {
    if (Number.isNaN(value)) return "not measured";
    const met = higherIsBetter ? value >= goal : value <= goal;
    return `${value.toFixed(2)} ${met ? "met" : "**missed**"}`;
  };
  const speed = (label: string, other: string | undefined, w: WorkloadName, goal: number) => {
    const rps = of("vial", w, "rps") / of(other, w, "rps");
    const cpu = of(other, w, "cpuUs") / of("vial", w, "cpuUs");
    lines.push(
      `- ${label} on ${w} (target >= ${goal}): req/s ${verdict(rps, goal, true)}; CPU per request ${verdict(cpu, goal, true)}`,
    );
  };
  const cost = (label: string, key: keyof Sample, w: WorkloadName, goal: number) => {
    const value = of("vial", w, key) / of("fastify", w, key);
    lines.push(`- ${label} on ${w} (target <= ${goal}): ${verdict(value, goal, false)}`);
  };
  for (const w of ["json", "params", "body"] as const)
    speed("Vial / node:http", "node-http", w, 0.9);
  for (const w of ["json", "params", "body"] as const) speed("Vial / Fastify", "fastify", w, 1.0);
  speed("Vial / Fastify", "fastify", "invalid", 1.15);
  const fastapi = faster(results, "body", ["fastapi", "fastapi-debian"]);
  speed(`Vial / FastAPI (${fastapi ?? "none"}, the faster)`, fastapi, "body", 2);
  const flask = faster(results, "body", ["flask", "flask-debian"]);
  speed(`Vial / Flask (${flask ?? "none"}, the faster)`, flask, "body", 5);
  for (const w of ["json", "params", "body", "invalid"] as const) {
    cost("Vial p99 / Fastify p99", "p99ms", w, 1);
    const paired = pairedRatios(results.vial?.[w] ?? [], results.fastify?.[w] ?? []).filter(
      (r) => !Number.isNaN(r),
    );
    if (paired.length > 0) {
      const lower = paired.filter((r) => r < 1).length;
      lines[lines.length - 1] +=
        `; paired by round ${median(paired).toFixed(2)}, Vial lower in ${lower} of ${paired.length}` +
        " (`bench/run.sh latency` settles it with 10 paired rounds)";
    }
  }
  for (const w of ["json", "params", "body", "invalid"] as const) {
    cost("Vial peak RSS / Fastify peak RSS", "rssMiB", w, 1.2);
  }
  return lines;
}

function packageVersion(benchDir: string, name: string): string {
  try {
    const path = join(benchDir, "node_modules", name, "package.json");
    return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

function pythonVersions(python: string): string {
  const script = [
    "import importlib.metadata as m, platform",
    "names = ['fastapi', 'pydantic', 'starlette', 'uvicorn', 'uvloop', 'httptools', 'flask', 'werkzeug', 'gunicorn']",
    "print(', '.join(['python ' + platform.python_version()] + [n + ' ' + m.version(n) for n in names]))",
  ].join("\n");
  try {
    return execFileSync(python, ["-c", script], { encoding: "utf8" }).trim();
  } catch {
    return "not available";
  }
}

/** Date, machine and versions, as a markdown list. */
export function environment(benchDir: string, settings: string): string {
  const node = ["fastify", "hono", "@hono/node-server", "@hono/zod-validator", "express", "zod"]
    .map((name) => `${name} ${packageVersion(benchDir, name)}`)
    .join(", ");
  // `wrk -v` prints its version and exits with status 1.
  const wrk = spawnSync("wrk", ["-v"], { encoding: "utf8" }).stdout.split("\n")[0]?.split(" [")[0];
  return [
    `- Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    `- Machine: ${cpus().length} cores (nproc), ${cpus()[0]?.model ?? "unknown CPU"}, ${process.platform} ${process.arch}`,
    `- Node ${process.version}; vial ${packageVersion(benchDir, "vial")}; ${node}; ${wrk}`,
    `- Current Python stack (bench/.venv): ${pythonVersions(join(benchDir, ".venv", "bin", "python"))}`,
    `- Debian's packages (/usr/bin/python3): ${pythonVersions("/usr/bin/python3")}`,
    `- Settings: ${settings}`,
    `- Load average at the end (1, 5, 15 min): ${loadavg()
      .map((n) => n.toFixed(2))
      .join(", ")}`,
  ].join("\n");
}
