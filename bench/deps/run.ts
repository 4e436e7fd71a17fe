// Dependency-injection overhead on the `params` workload (GET /users/42?verbose=true), Vial only:
// the route with no dependency, with one cached dependency, and with a bearer-JWT dependency.
//
//   npx tsx --conditions=vial-src bench/deps/run.ts [--duration 10] [--rounds 3] [--connections 50]
//
// Needs `wrk` on the PATH (Debian: apt-get install -y wrk). Each variant runs in this process on
// its own port; rounds are interleaved and the median req/s is reported, as DESIGN.md section 4
// asks of the project's benchmarks.
import { execFile } from "node:child_process";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { App, depends, HTTPBearer, signJWT, verifyJWT, z } from "vial";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
  },
});

const SECRET = "bench-secret-0123456789abcdef0123";
const params = {
  params: { id: z.int() },
  query: { verbose: z.boolean().default(false), tag: z.array(z.string()).optional() },
};

function plain(): App {
  const app = new App({ logger: false });
  app.get("/users/{id}", params, ({ params, query }) => ({
    id: params.id,
    verbose: query.verbose,
  }));
  return app;
}

function cached(): App {
  const app = new App({ logger: false });
  const client = depends(({ request }) => request.headers["user-agent"] ?? "unknown");
  app.get("/users/{id}", { ...params, deps: { client } }, ({ params, query, client }) => ({
    id: params.id,
    verbose: query.verbose,
    client,
  }));
  return app;
}

function jwt(): App {
  const app = new App({ logger: false });
  const bearer = new HTTPBearer({ bearerFormat: "JWT" });
  const user = depends({ auth: bearer }, async ({ auth }) => {
    return (await verifyJWT(auth.credentials, SECRET)).sub;
  });
  app.get("/users/{id}", { ...params, deps: { user } }, ({ params, query, user }) => ({
    id: params.id,
    verbose: query.verbose,
    user,
  }));
  return app;
}

interface Measure {
  /** Requests per second, as wrk saw them. */
  rate: number;
  /** CPU time this process (the server) spent per request, in µs: steadier than req/s on a busy machine. */
  cpu: number;
}

/** Runs wrk without blocking this process, which serves the requests. */
function wrk(url: string, headers: string[], seconds = values.duration): Promise<Measure> {
  const args = ["-t1", `-c${values.connections}`, `-d${seconds}s`];
  for (const header of headers) args.push("-H", header);
  const before = process.cpuUsage();
  return new Promise((resolve, reject) => {
    execFile("wrk", [...args, url], (error, stdout, stderr) => {
      const used = process.cpuUsage(before);
      if (error) return reject(new Error(`wrk failed (${error.message}); apt-get install -y wrk`));
      const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
      const count = /(\d+) requests in/.exec(stdout);
      if (!rate || !count) return reject(new Error(`wrk printed no rate:\n${stdout}${stderr}`));
      if (/Non-2xx/.test(stdout)) return reject(new Error(`non-2xx responses:\n${stdout}`));
      resolve({ rate: Number(rate[1]), cpu: (used.user + used.system) / Number(count[1]) });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const token = await signJWT({ sub: "bench" }, SECRET, { expiresIn: "1d" });
const variants = [
  { name: "no dependency", app: plain(), headers: [] as string[] },
  { name: "one cached dependency", app: cached(), headers: [] },
  { name: "bearer-JWT dependency", app: jwt(), headers: [`Authorization: Bearer ${token}`] },
];
const urls: string[] = [];
for (const variant of variants) {
  const server = await variant.app.listen(0, "127.0.0.1");
  urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}/users/42?verbose=true`);
}
for (const [i, variant] of variants.entries()) await wrk(urls[i]!, variant.headers, "2"); // JIT warm-up
const results = variants.map(() => [] as Measure[]);
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [i, variant] of variants.entries())
    results[i]!.push(await wrk(urls[i]!, variant.headers));
}
const rates = results.map((rs) => median(rs.map((r) => r.rate)));
const cpus = results.map((rs) => median(rs.map((r) => r.cpu)));
console.log(
  `params workload, ${values.rounds} rounds of ${values.duration}s, ${values.connections} connections; medians`,
);
console.log(
  `${"variant".padEnd(24)} ${"req/s".padStart(8)} ${"vs base".padStart(8)} ${"CPU µs/req".padStart(11)} ${"vs base".padStart(8)}`,
);
const percent = (value: number, base: number) => `${((value / base - 1) * 100).toFixed(1)}%`;
variants.forEach((variant, i) => {
  console.log(
    `${variant.name.padEnd(24)} ${rates[i]!.toFixed(0).padStart(8)} ${percent(rates[i]!, rates[0]!).padStart(8)} ` +
      `${cpus[i]!.toFixed(1).padStart(11)} ${percent(cpus[i]!, cpus[0]!).padStart(8)}`,
  );
});
for (const variant of variants) await variant.app.close();
