// Smoke test of the benchmark (bench/): every Node target starts and gives the right answer to
// every workload, so that a broken target is caught here and not in the middle of a bench run.
// No timing. Needs the bench's own dependencies (`npm ci --prefix bench`); skips without them.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { type RunningServer, startServer, stopServer } from "../../bench/harness/server.js";
import { NODE_TARGETS, type Target } from "../../bench/harness/targets.js";
import { checkAnswers } from "../../bench/harness/workloads.js";

const bench = fileURLToPath(new URL("../../bench/", import.meta.url));
const installed = existsSync(`${bench}node_modules/fastify`);

/** The target's TypeScript source run through tsx, with `vial` resolved to src/ (not dist/). */
function fromSource(name: string): Target {
  return {
    name,
    kind: "node",
    command: process.execPath,
    args: () => ["--import", "tsx", "--conditions=vial-src", `${bench}targets/${name}.ts`],
  };
}

describe.skipIf(!installed)("bench targets answer every workload correctly", () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
  });

  test.each(NODE_TARGETS)("%s", async (name) => {
    const server = await startServer(fromSource(name));
    servers.push(server);
    expect(await checkAnswers(server.url)).toEqual([]);
    await stopServer(server);
  });
});
