import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EXAMPLE_APPS } from "./example-apps.js";
import { kitchenSink } from "./kitchen-sink.js";
import { formatted } from "./snapshot-format.js";

const run = promisify(execFile);
const redocly = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");
const config = fileURLToPath(new URL("./redocly.yaml", import.meta.url));

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string }[];
}

/** `redocly lint` on one document, with the recommended ruleset (see redocly.yaml). */
async function lint(file: string): Promise<LintReport> {
  const { stdout } = await run(
    process.execPath,
    [redocly, "lint", "--config", config, "--format", "json", file],
    {
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  return JSON.parse(stdout) as LintReport;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vial-openapi-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const documents = [
  ...EXAMPLE_APPS.map((example) => ({ name: example.name, create: example.create })),
  { name: "kitchen-sink", create: kitchenSink },
];

describe.each(documents)("the $name document", ({ name, create }) => {
  test("passes @apidevtools/swagger-parser validation", async () => {
    const document = create().openapi();
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  test("passes redocly lint with the recommended ruleset, zero errors", async () => {
    const file = join(dir, `${name}.json`);
    await writeFile(file, JSON.stringify(create().openapi(), null, 2));
    const report = await lint(file);
    const errors = report.problems.filter((p) => p.severity === "error");
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });
});

describe("the checks themselves", () => {
  // A document with a dangling $ref and a duplicate operationId: both tools must object.
  const broken = {
    openapi: "3.1.0",
    info: { title: "Broken", version: "1" },
    servers: [{ url: "/" }],
    paths: {
      "/a": {
        get: {
          summary: "A",
          operationId: "same",
          security: [],
          responses: {
            "200": {
              description: "OK",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Nope" } } },
            },
          },
        },
      },
      "/b": {
        get: {
          summary: "B",
          operationId: "same",
          security: [],
          responses: { "200": { description: "OK" } },
        },
      },
    },
  };

  test("swagger-parser rejects a broken document", async () => {
    await expect(SwaggerParser.validate(structuredClone(broken) as never)).rejects.toThrow();
  });

  test("redocly lint reports its errors", async () => {
    const file = join(dir, "broken.json");
    await writeFile(file, JSON.stringify(broken));
    const rules = (await lint(file)).problems
      .filter((p) => p.severity === "error")
      .map((p) => p.ruleId);
    expect(rules).toEqual(
      expect.arrayContaining(["no-unresolved-refs", "operation-operationId-unique"]),
    );
  });
});

describe.each(EXAMPLE_APPS)("snapshot of $name", ({ name, create }) => {
  test("/openapi.json matches the reviewed snapshot", async () => {
    const file = `${name}.openapi.json`;
    const json = formatted(JSON.stringify(create().openapi(), null, 2), file);
    await expect(json).toMatchFileSnapshot(`./__snapshots__/${file}`);
  });
});
