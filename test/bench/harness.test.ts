// The benchmark harness's own behaviour: how it reads its settings and how it asks a server
// whether it is up (no timing).
import { type ChildProcess, execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterEach, describe, expect, test } from "vitest";
import {
  countFromEnv,
  describeSettings,
  type MeasureSettings,
  measureSettings,
} from "../../bench/harness/measure.js";
import { waitUntilAnswering } from "../../bench/harness/server.js";

describe("counts from the environment", () => {
  const name = "VIAL_BENCH_TEST_COUNT";
  afterEach(() => {
    delete process.env[name];
  });

  test("unset or empty gives the default; a whole number is read", () => {
    expect(countFromEnv(name, 3)).toBe(3);
    process.env[name] = "";
    expect(countFromEnv(name, 3)).toBe(3);
    process.env[name] = "0";
    expect(countFromEnv(name, 3)).toBe(0);
    process.env[name] = "12";
    expect(countFromEnv(name, 3, 1)).toBe(12);
  });

  test.each(["abc", "1.5", "-1", "2x"])("'%s' stops the run with the variable's name", (raw) => {
    process.env[name] = raw;
    expect(() => countFromEnv(name, 3)).toThrow(
      `${name} must be a whole number >= 0, got '${raw}'`,
    );
  });

  test("below the minimum is refused", () => {
    process.env[name] = "0";
    expect(() => countFromEnv(name, 3, 1)).toThrow(`${name} must be a whole number >= 1, got '0'`);
  });
});

describe("measure settings", () => {
  const names = ["DURATION", "WARMUP", "WARMUP_RUNS"];
  afterEach(() => {
    for (const name of names) delete process.env[name];
  });

  test("a harness changes only the defaults it names; the environment wins over both", () => {
    for (const name of names) delete process.env[name];
    expect(measureSettings({ duration: "5s" })).toMatchObject({
      duration: "5s",
      warmup: "5s",
      warmupRuns: 2,
    });
    expect(measureSettings()).toMatchObject({ duration: "10s", warmup: "5s", warmupRuns: 2 });
    process.env.DURATION = "3s";
    process.env.WARMUP = "1s";
    process.env.WARMUP_RUNS = "1";
    expect(measureSettings({ duration: "5s" })).toMatchObject({
      duration: "3s",
      warmup: "1s",
      warmupRuns: 1,
    });
  });
});

describe("the settings line of a report", () => {
  const settings: MeasureSettings = {
    duration: "5s",
    warmup: "2s",
    warmupRuns: 2,
    connections: 64,
    serverCpu: "0",
    wrkCpu: "1",
  };
  const start = { resultsDir: "unused", loadAtStart: "1.00, 1.00, 1.00" };
  const line = (changes: Partial<MeasureSettings>) =>
    describeSettings({ ...settings, ...changes }, "3 rounds", start);

  test("names the warm-up runs that were made", () => {
    expect(line({})).toContain("3 rounds, 5s per run after 2 warm-up runs of 2s, 64 connections");
    expect(line({ warmupRuns: 1 })).toContain("5s per run after a 2s warm-up,");
    expect(line({ warmupRuns: 0 })).toContain("5s per run without a warm-up,");
    // WARMUP=0s means no warm-up, whatever WARMUP_RUNS says.
    expect(line({ warmup: "0s" })).toContain("5s per run without a warm-up,");
  });
});

describe("the readiness probe", () => {
  test("asks once with Connection: close and leaves no connection open", async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.connection);
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const child = { exitCode: null, signalCode: null } as unknown as ChildProcess;
    try {
      await waitUntilAnswering(`http://127.0.0.1:${port}/json`, child, 5_000);
      expect(seen).toEqual(["close"]);
      // The server closes the connection after answering; give the close a moment to land.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const open = await new Promise<number>((resolve, reject) =>
        server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
      expect(open).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("Vial's own time per request (bench/run.sh own)", () => {
  test("drives the bench's Vial app in process and prints a time per GET workload", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--conditions=vial-src", "bench/harness/own.ts"],
      { env: { ...process.env, REQUESTS: "2000", RUNS: "1" } },
    );
    expect(stdout).toMatch(/1 runs of 2000 requests/);
    expect(stdout).toMatch(/^ {2}json +\d+ ns \(\d+-\d+\)$/m);
    expect(stdout).toMatch(/^ {2}params +\d+ ns \(\d+-\d+\)$/m);
    expect(stdout).not.toMatch(/body|invalid/);
  });
});
