// The benchmark's arithmetic: paired p99 ratios and the latency table built from them.
import { describe, expect, test } from "vitest";
import {
  latencyTable,
  pairedRatios,
  type Sample,
  targetChecks,
} from "../../bench/harness/report.js";

const sample = (p99ms: number, rps = 80_000): Sample => ({
  rps,
  p50ms: 0.7,
  p99ms,
  requests: rps * 5,
  errors: 0,
  rssMiB: 90,
  cpuUs: 12,
});

describe("paired p99 ratios", () => {
  test("divides round by round, NaN where the other target has no sample", () => {
    const ratios = pairedRatios([sample(1.5), sample(2), sample(1)], [sample(2), sample(1)]);
    expect(ratios.slice(0, 2)).toEqual([0.75, 2]);
    expect(ratios[2]).toBeNaN();
  });

  test("the latency table lists every round and counts the rounds Vial was lower", () => {
    const lines = latencyTable(
      new Map([
        ["vial", [sample(1.4), sample(1.6), sample(2.0)]],
        ["fastify", [sample(2.0), sample(1.5), sample(2.5)]],
      ]),
    );
    expect(lines).toContain("| vial | 1.40 1.60 2.00 | **1.60** | 0.70 | 80.0k |");
    expect(lines.at(-1)).toBe(
      "- Vial p99 / fastify p99, paired by round: median **0.80** (range 0.70–1.07); Vial's p99 lower in 2 of 3 rounds",
    );
  });

  test("the throughput run's p99 check carries the paired figure beside the ratio of medians", () => {
    const workloads = ["json", "params", "body", "invalid"] as const;
    const of = (p99: number[]) =>
      Object.fromEntries(workloads.map((w) => [w, p99.map((v) => sample(v))]));
    const lines = targetChecks({ vial: of([1.2, 1.9, 1.2]), fastify: of([1.0, 2.0, 1.5]) });
    expect(lines).toContain(
      "- Vial p99 / Fastify p99 on json (target <= 1): 0.80 met; paired by round 0.95, Vial lower in 2 of 3 (`bench/run.sh latency` settles it with 10 paired rounds)",
    );
  });
});
