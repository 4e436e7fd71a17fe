import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { TestClient, type TestResponse } from "vial/testing";
import { afterAll, describe, expect, test } from "vitest";
import { EXAMPLE_APPS } from "../openapi/example-apps.js";
import { invalid, type JSONSchema, resolve, valid } from "./schema-arbitrary.js";

// Property-based tests derived from each example app's OpenAPI document: valid inputs never get
// 422 or 500, a field made invalid gets a 422 pointing at it, and nothing ever gets a 500; every
// documented JSON response matches its schema. In process and against a real server.

interface Operation {
  method: string;
  path: string;
  parameters: {
    name: string;
    in: "path" | "query" | "header" | "cookie";
    required?: boolean;
    schema: JSONSchema;
  }[];
  body?: { mediaType: string; schema: JSONSchema };
  responses: Record<string, { content?: Record<string, { schema: JSONSchema }> }>;
}

interface Request {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  cookies: Record<string, unknown>;
  body: unknown;
}

function operationsOf(document: any): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<any>(document.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const content = op.requestBody?.content ?? {};
      const mediaType = Object.keys(content)[0];
      if (mediaType === "multipart/form-data") continue; // uploads: covered by test/web/uploads.test.ts
      out.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: mediaType ? { mediaType, schema: content[mediaType].schema } : undefined,
        responses: op.responses ?? {},
      });
    }
  }
  return out;
}

function requestArbitrary(
  op: Operation,
  components: Record<string, JSONSchema>,
): fc.Arbitrary<Request> {
  const groups = {
    path: {} as Record<string, fc.Arbitrary<unknown>>,
    query: {} as Record<string, fc.Arbitrary<unknown>>,
    header: {} as Record<string, fc.Arbitrary<unknown>>,
    cookie: {} as Record<string, fc.Arbitrary<unknown>>,
  };
  const required = {
    path: [] as string[],
    query: [] as string[],
    header: [] as string[],
    cookie: [] as string[],
  };
  for (const p of op.parameters) {
    groups[p.in][p.name] = valid(p.schema, components, p.in !== "query");
    if (p.required) required[p.in].push(p.name);
  }
  const record = (k: keyof typeof groups) => fc.record(groups[k], { requiredKeys: required[k] });
  return fc.record({
    params: record("path"),
    query: record("query"),
    headers: record("header"),
    cookies: record("cookie"),
    body: op.body ? valid(op.body.schema, components) : fc.constant(undefined),
  });
}

function send(client: TestClient, op: Operation, r: Request): Promise<TestResponse> {
  const path = op.path.replace(/\{(\w+)(?::path)?\}/g, (_m, name) =>
    encodeURIComponent(String(r.params[name])),
  );
  const str = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
  const body =
    r.body === undefined
      ? {}
      : op.body?.mediaType === "application/x-www-form-urlencoded"
        ? { form: r.body as Record<string, string> }
        : { json: r.body };
  return client.request(op.method, path, {
    query: r.query as Record<string, string>,
    headers: str(r.headers),
    cookies: str(r.cookies),
    followRedirects: false,
    ...body,
  });
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

function checkResponse(
  op: Operation,
  res: TestResponse,
  components: Record<string, JSONSchema>,
): void {
  const documented = op.responses[String(res.status)]?.content?.["application/json"]?.schema;
  if (!documented || res.status >= 300) return;
  const validate = ajv.compile({ ...documented, components: { schemas: components } });
  const ok = validate(res.json());
  expect(
    ok,
    `${op.method} ${op.path} -> ${res.status} breaks its documented schema: ${ajv.errorsText(validate.errors)}`,
  ).toBe(true);
}

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

describe.each(EXAMPLE_APPS.map((e) => [e.name, e] as const))(
  "%s: inputs derived from its OpenAPI document",
  (_name, example) => {
    const app = example.create();
    const document = app.openapi() as any;
    const components: Record<string, JSONSchema> = document.components?.schemas ?? {};
    const clients = {
      inject: new TestClient(app),
      http: new TestClient(app, { transport: "http" }),
    };
    afterAll(async () => {
      await clients.http.close();
    });

    for (const op of operationsOf(document)) {
      test(`${op.method} ${op.path}`, async () => {
        const arbitrary = requestArbitrary(op, components);
        const statuses = new Set<number>();
        await fc.assert(
          fc.asyncProperty(
            arbitrary,
            fc.constantFrom("inject", "http" as const),
            async (request, transport) => {
              const res = await send(clients[transport as "inject" | "http"], op, request);
              statuses.add(res.status);
              expect(
                res.status,
                `valid input got ${res.status}: ${res.text().slice(0, 300)}`,
              ).not.toBe(500);
              expect(res.status, `valid input got 422: ${res.text().slice(0, 500)}`).not.toBe(422);
              checkResponse(op, res, components);
            },
          ),
          { numRuns: RUNS },
        );
        // One field at a time made invalid, the rest valid: a 422 pointing at that field, unless
        // the operation answers before validating (authentication, CSRF, a log-in redirect).
        if ([...statuses].every((s) => [302, 303, 307, 401, 403].includes(s))) return;
        const [base] = fc.sample(arbitrary, { numRuns: 1, seed: 42 });
        for (const target of invalidTargets(op, components)) {
          const request = structuredClone(base!);
          target.apply(request);
          const res = await send(clients.inject, op, request);
          expect(res.status, `${target.label} made invalid: ${res.text().slice(0, 300)}`).toBe(422);
          const locs = (res.json().detail as { loc: unknown[] }[]).map((e) =>
            e.loc.slice(0, 2).join("."),
          );
          expect(locs, `${target.label}`).toContain(target.loc);
        }
      });
    }
  },
);

function invalidTargets(op: Operation, components: Record<string, JSONSchema>) {
  const targets: { label: string; loc: string; apply: (r: Request) => void }[] = [];
  const where = { path: "params", query: "query", header: "headers", cookie: "cookies" } as const;
  for (const p of op.parameters) {
    const bad = invalid(p.schema, components);
    if (bad === undefined) continue;
    targets.push({
      label: `${p.in} ${p.name}`,
      loc: `${p.in}.${p.name}`,
      apply: (r) => {
        r[where[p.in]][p.name] = bad;
      },
    });
  }
  const body = op.body ? resolve(op.body.schema, components) : undefined;
  for (const [name, schema] of Object.entries<JSONSchema>(body?.properties ?? {})) {
    const bad = invalid(schema, components);
    if (bad === undefined) continue;
    targets.push({
      label: `body ${name}`,
      loc: `body.${name}`,
      apply: (r) => {
        (r.body as Record<string, unknown>)[name] = bad;
      },
    });
  }
  return targets;
}
