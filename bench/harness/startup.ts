// Startup: time from process start to the first served request, for the bench apps, Vial's demo
// (examples/users) and generated apps with many routes, Vial against Fastify. Then, to show that
// matching does not depend on the number of routes, req/s on a /users/{id} route of the big app
// against the same route in the 4-route app.
//
// Settings: STARTUP_RUNS=7 ROUTES=1000 MATCH_DURATION=5s CONNECTIONS=64
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fastifyApp, lastParamsRoute, vialApp } from "./generate.js";
import { median } from "./report.js";
import { residentMiB, runHarness, serverCpuSeconds, startServer, stopServer } from "./server.js";
import type { Target } from "./targets.js";
import { runWrk } from "./wrk.js";

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const generated = join(benchDir, "generated", "startup");
const runs = Number(process.env.STARTUP_RUNS ?? 7);
const routes = Number(process.env.ROUTES ?? 1000);
const matchDuration = process.env.MATCH_DURATION ?? "5s";
const connections = Number(process.env.CONNECTIONS ?? 64);

interface Case {
  name: string;
  file: string;
  readyPath: string;
  env?: Record<string, string>;
}

const node = (name: string, file: string): Target => ({
  name,
  kind: "node",
  command: process.execPath,
  args: () => [file],
});

/** Compiles the demo (examples/users) to plain JavaScript under bench/generated/. */
function buildDemo(): string {
  const out = join(generated, "demo");
  const tsc = join(benchDir, "node_modules", ".bin", "tsc");
  const sources = ["app.ts", "main.ts", "store.ts"].map((f) =>
    join(benchDir, "..", "examples", "users", f),
  );
  execFileSync(tsc, [
    ...["--outDir", out, "--rootDir", join(benchDir, "..", "examples", "users")],
    ...["--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022"],
    ...["--skipLibCheck", "--types", "node", ...sources],
  ]);
  return join(out, "main.js");
}

/** Starts the case `runs` times; the median ms from spawn to first answer, and RSS then. */
async function timeStartup(
  c: Case,
): Promise<{ ms: number; min: number; max: number; rss: number }> {
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    const server = await startServer(node(c.name, c.file), {
      cpu: "0",
      readyPath: c.readyPath,
      pollMs: 2,
      env: c.env ?? {},
    });
    times.push(performance.now() - began);
    rss.push(residentMiB(server));
    await stopServer(server);
  }
  return { ms: median(times), min: Math.min(...times), max: Math.max(...times), rss: median(rss) };
}

/** req/s and server CPU µs per request on `path`, after a 2 s warm-up. */
async function matching(file: string, path: string): Promise<{ rps: number; cpuUs: number }> {
  const server = await startServer(node("match", file), { cpu: "0", readyPath: path });
  try {
    const probe = {
      name: "params",
      method: "GET" as const,
      path,
      status: 200,
      check: () => undefined,
    };
    const options = { connections, cpu: "1" };
    await runWrk(server.url, probe, { ...options, duration: "2s" });
    const cpu = serverCpuSeconds(server);
    const load = await runWrk(server.url, probe, { ...options, duration: matchDuration });
    return { rps: load.rps, cpuUs: ((serverCpuSeconds(server) - cpu) / load.requests) * 1e6 };
  } finally {
    await stopServer(server);
  }
}

async function main(): Promise<void> {
  mkdirSync(generated, { recursive: true });
  const vialBig = join(generated, `vial-${routes}.js`);
  const fastifyBig = join(generated, `fastify-${routes}.js`);
  writeFileSync(vialBig, vialApp(routes));
  writeFileSync(fastifyBig, fastifyApp(routes));
  const demo = buildDemo();
  const targets = join(benchDir, "dist", "targets");
  const big = "/r0/json";
  const cases: Case[] = [
    { name: "node:http, 4 routes", file: join(targets, "node-http.js"), readyPath: "/json" },
    { name: "Vial, 4 routes", file: join(targets, "vial.js"), readyPath: "/json" },
    { name: "Fastify, 4 routes", file: join(targets, "fastify.js"), readyPath: "/json" },
    {
      name: "Vial demo (examples/users)",
      file: demo,
      readyPath: "/users/",
      env: { USERS_DB: ":memory:" },
    },
    { name: `Vial, ${routes} routes`, file: vialBig, readyPath: big },
    { name: `Fastify, ${routes} routes`, file: fastifyBig, readyPath: big },
  ];
  const lines = [
    `Startup: spawn to first answered request, median of ${runs} (range), server on core 0`,
    "",
    "| app | startup ms | RSS after start MiB |",
    "| --- | --- | --- |",
  ];
  for (const c of cases) {
    const t = await timeStartup(c);
    lines.push(
      `| ${c.name} | **${t.ms.toFixed(0)}** (${t.min.toFixed(0)}–${t.max.toFixed(0)}) | ${t.rss.toFixed(0)} |`,
    );
    console.log(lines.at(-1));
  }

  const last = lastParamsRoute(routes);
  const match = [
    "",
    `Matching: GET /users/42?verbose=true in the 4-route app and /r${last}/users/42?verbose=true in the ${routes}-route app, over ${matchDuration}`,
    "",
    `| framework | req/s, 4 routes | req/s, ${routes} routes | CPU µs/req, 4 routes | CPU µs/req, ${routes} routes |`,
    "| --- | --- | --- | --- | --- |",
  ];
  for (const [name, small, bigFile] of [
    ["Vial", join(targets, "vial.js"), vialBig],
    ["Fastify", join(targets, "fastify.js"), fastifyBig],
  ] as const) {
    const a = await matching(small, "/users/42?verbose=true");
    const b = await matching(bigFile, `/r${last}/users/42?verbose=true`);
    match.push(
      `| ${name} | ${a.rps.toFixed(0)} | ${b.rps.toFixed(0)} | ${a.cpuUs.toFixed(1)} | ${b.cpuUs.toFixed(1)} |`,
    );
    console.log(match.at(-1));
  }
  const report = [...lines, ...match].join("\n");
  console.log(`\n${report}`);
  mkdirSync(join(benchDir, "results"), { recursive: true });
  writeFileSync(join(benchDir, "results", "startup.md"), `${report}\n`);
}

runHarness(main);
