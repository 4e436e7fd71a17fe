// The four workloads of DESIGN.md section 4, and the answers every target must give before it is
// measured. Shared by the harness and by the smoke test in test/bench/.

export type WorkloadName = "json" | "params" | "body" | "invalid";

/** One request and the check of its answer. */
export interface Probe {
  name: string;
  method: "GET" | "POST";
  path: string;
  body?: string;
  status: number;
  /** Describes what is wrong with the parsed JSON answer, or returns undefined if it is right. */
  check: (json: unknown) => string | undefined;
}

export interface Workload extends Probe {
  name: WorkloadName;
}

const user = { username: "alice", email: "alice@example.com", age: 30 };

/** Compares JSON values structurally (key order does not matter). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) =>
    sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

const equals = (expected: unknown) => (json: unknown) =>
  sameJson(json, expected) ? undefined : `expected ${JSON.stringify(expected)}`;

/** A 422 in FastAPI's shape whose errors include one at `loc` (and only at `loc`). */
const rejects = (loc: string[]) => (json: unknown) => {
  const detail = (json as { detail?: unknown } | null)?.detail;
  if (!Array.isArray(detail) || detail.length === 0) return "expected a non-empty detail list";
  const items = detail as { type?: unknown; loc?: unknown; msg?: unknown }[];
  const bad = items.find(
    (item) => typeof item.type !== "string" || !Array.isArray(item.loc) || !item.msg,
  );
  if (bad) return `detail item without type, loc and msg: ${JSON.stringify(bad)}`;
  if (!items.every((item) => sameJson(item.loc, loc))) {
    return `expected errors at ${JSON.stringify(loc)} only`;
  }
  return undefined;
};

export const workloads: Workload[] = [
  {
    name: "json",
    method: "GET",
    path: "/json",
    status: 200,
    check: equals({ message: "Hello, World!" }),
  },
  {
    name: "params",
    method: "GET",
    path: "/users/42?verbose=true",
    status: 200,
    check: equals({ id: 42, verbose: true }),
  },
  {
    name: "body",
    method: "POST",
    path: "/users/",
    body: JSON.stringify(user),
    status: 201,
    check: equals(user),
  },
  {
    name: "invalid",
    method: "POST",
    path: "/users/",
    body: JSON.stringify({ ...user, age: "thirty" }),
    status: 422,
    check: rejects(["body", "age"]),
  },
];

/** Answers checked but not measured. */
export const probes: Probe[] = [
  ...workloads,
  {
    name: "params with a non-integer id",
    method: "GET",
    path: "/users/abc?verbose=true",
    status: 422,
    check: rejects(["path", "id"]),
  },
  {
    name: "params without the optional query",
    method: "GET",
    path: "/users/7",
    status: 200,
    check: equals({ id: 7, verbose: false }),
  },
];

/** Sends every probe to `baseUrl`; returns one line per wrong answer (empty when all are right). */
export async function checkAnswers(baseUrl: string): Promise<string[]> {
  const failures: string[] = [];
  for (const probe of probes) {
    const response = await fetch(baseUrl + probe.path, {
      method: probe.method,
      headers: probe.body ? { "content-type": "application/json" } : {},
      body: probe.body ?? null,
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const problem =
      response.status !== probe.status ? `expected status ${probe.status}` : probe.check(json);
    if (problem) {
      failures.push(`${probe.name}: ${problem}, got ${response.status} ${text.slice(0, 300)}`);
    }
  }
  return failures;
}
