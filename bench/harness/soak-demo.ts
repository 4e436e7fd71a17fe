// The demo under sustained load (issue 9): examples/users on a fresh SQLite database, a mix of
// creating users (unique names), listing pages and reading one, at full load for
// SOAK_DURATION seconds (default 600); RSS sampled every SOAK_SAMPLE seconds (default 5);
// reports the least-squares slope of RSS over time, overall and after the first minute.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { residentMiB, runHarness, startServer, stopServer } from "./server.js";
import type { Target } from "./targets.js";

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const root = join(benchDir, "..");
const seconds = Number(process.env.SOAK_DURATION ?? 600);
const every = Number(process.env.SOAK_SAMPLE ?? 5);
const connections = Number(process.env.CONNECTIONS ?? 64);

const demo: Target = {
  name: "users-demo",
  kind: "node",
  command: process.execPath,
  args: () => [
    "--import",
    "tsx",
    "--conditions=vial-src",
    join(root, "examples", "users", "main.ts"),
  ],
};

// One request in five creates a user (a new name each time), the rest list or read.
const LUA = `
local n = 0
request = function()
  n = n + 1
  local k = n % 5
  if k == 0 then
    local body = string.format('{"username":"user%d_%d","email":"u%d@example.com","age":%d}', math.random(1, 1e9), n, n, n % 100)
    return wrk.format("POST", "/users/", { ["Content-Type"] = "application/json" }, body)
  elseif k == 1 or k == 2 then
    return wrk.format("GET", string.format("/users/?skip=%d&limit=10", (n * 7) % 500))
  else
    return wrk.format("GET", string.format("/users/%d", 1 + (n % 400)))
  end
end
`;

function slope(points: [number, number][]): number {
  const count = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / count;
  const my = points.reduce((s, [, y]) => s + y, 0) / count;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

function wrk(url: string, script: string): Promise<string> {
  const args = [
    "-c",
    "1",
    "wrk",
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    "--latency",
    "-s",
    script,
    url,
  ];
  return new Promise((resolve, reject) =>
    execFile("taskset", args, { timeout: (seconds + 120) * 1000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`wrk failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "vial-soak-"));
  const script = join(dir, "demo.lua");
  writeFileSync(script, LUA);
  const server = await startServer(demo, {
    cpu: "0",
    env: { USERS_DB: join(dir, "users.db") },
    readyPath: "/users/",
  });
  try {
    const samples: [number, number][] = [[0, residentMiB(server)]];
    const began = Date.now();
    const timer = setInterval(
      () => samples.push([(Date.now() - began) / 1000, residentMiB(server)]),
      every * 1000,
    );
    const output = await wrk(server.url, script);
    clearInterval(timer);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? Number.NaN);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
      output,
    );
    const errors = socket ? socket.slice(1).reduce((sum, v) => sum + Number(v), 0) : 0;
    const perMinute = (points: [number, number][]) => (slope(points) * 60).toFixed(2);
    const settled = samples.filter(([t]) => t >= 60);
    const rss = samples.map(([, y]) => y);
    const report = [
      `Soak: the users demo (examples/users, SQLite) for ${seconds} s at full load (${connections} connections): 1 in 5 requests creates a user, the rest list or read; RSS every ${every} s`,
      "",
      "| req/s | socket errors | non-2xx (404s for ids not created yet) | RSS MiB at start | at end | peak | slope MiB/min (all) | slope MiB/min (after 60 s) |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      `| ${rps.toFixed(0)} | ${errors} | ${non2xx} | ${rss[0]?.toFixed(0)} | ${rss.at(-1)?.toFixed(0)} | ${Math.max(...rss).toFixed(0)} | ${perMinute(samples)} | ${settled.length > 2 ? perMinute(settled) : "n/a"} |`,
      "",
      `RSS MiB every ${every} s: ${samples.map(([t, y]) => `${t.toFixed(0)}s ${y.toFixed(0)}`).join(", ")}`,
    ].join("\n");
    console.log(report);
    mkdirSync(join(benchDir, "results"), { recursive: true });
    writeFileSync(join(benchDir, "results", "soak-demo.md"), `${report}\n`);
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

runHarness(main);
