// Where a target spends its time: runs it under `node --cpu-prof` with wrk on each workload and
// prints the functions with the most self time (share of the busy samples), Vial's own files
// first. For deciding what to optimise, not a benchmark.
//
// Settings: PROFILE_TARGET=vial WORKLOADS=json,params,body,invalid DURATION=10s CONNECTIONS=64
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runHarness, startServer, stopServer } from "./server.js";
import { allTargets } from "./targets.js";
import { workloads } from "./workloads.js";
import { runWrk } from "./wrk.js";

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const name = process.env.PROFILE_TARGET ?? "vial";
const only = process.env.WORKLOADS?.split(",");
const duration = process.env.DURATION ?? "10s";
const connections = Number(process.env.CONNECTIONS ?? 64);
const top = Number(process.env.TOP ?? 25);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Node writes the profile at exit; a SIGTERM would end it without one, so exit cleanly. */
const exitOnTerm = `data:text/javascript,process.on("SIGTERM",()=>process.exit(0))`;

function where(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const inDist = /\/dist\/(?!targets|harness)(.+)\.js$/.exec(path);
  if (inDist && !path.includes("node_modules")) return `vial dist/${inDist[1]}.js`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.+)$/.exec(path);
  if (pkg) return `${pkg[1]} ${pkg[2]}`;
  return path || "(native)";
}

function summarise(file: string): string[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as { nodes: ProfileNode[] };
  const self = new Map<string, number>();
  let busy = 0;
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)" || hits === 0) continue;
    busy += hits;
    const place = where(url);
    const key = `${functionName || "(anonymous)"} ${place}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + hits);
    const area = place.startsWith("vial ")
      ? "Vial's own code"
      : place.startsWith("node:")
        ? "Node internals (JS)"
        : /^(\(|$)/.test(place)
          ? "native, GC and program"
          : `${place.split(" ")[0]}`;
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
  }
  const pct = (n: number) => `${((100 * n) / busy).toFixed(1)}%`;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return [
    `by area: ${sorted(byArea)
      .map(([area, n]) => `${area} ${pct(n)}`)
      .join(", ")}`,
    ...sorted(self)
      .slice(0, top)
      .map(([key, n]) => `  ${pct(n).padStart(6)}  ${key}`),
  ];
}

async function main(): Promise<void> {
  const target = allTargets(benchDir).find((t) => t.name === name);
  if (target?.kind !== "node") throw new Error(`${name} is not a Node target`);
  const dir = join(benchDir, "results", "profiles", name);
  for (const workload of workloads.filter((w) => !only || only.includes(w.name))) {
    const out = join(dir, workload.name);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const server = await startServer(target, {
      cpu: "0",
      nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${out}`, "--import", exitOnTerm],
    });
    let rps = 0;
    try {
      await runWrk(server.url, workload, { connections, cpu: "1", duration: "2s" });
      rps = (await runWrk(server.url, workload, { connections, cpu: "1", duration })).rps;
    } finally {
      await stopServer(server);
    }
    const file = readdirSync(out).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error(`no profile written in ${out}`);
    console.log(`\n## ${name} ${workload.name} (${rps.toFixed(0)} req/s while profiled)`);
    console.log(summarise(join(out, file)).join("\n"));
  }
  console.log(`\nprofiles in ${dir} (open them in Chrome DevTools or speedscope)`);
}

runHarness(main);
