import { App, depends, Router, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

function operation(app: App<any>, path: string, method = "get") {
  const found = app.openapi().paths[path]?.[method];
  if (!found) throw new Error(`no ${method} ${path} in the document`);
  return found;
}

describe("parameters", () => {
  test("path, query, header and cookie inputs with schema and required", () => {
    const app = new App();
    app.get(
      "/users/{id}",
      {
        params: { id: z.int().min(1) },
        query: { verbose: z.boolean().default(false), tag: z.array(z.string()).optional() },
        headers: { x_token: z.string() },
        cookies: { session: z.string().optional() },
      },
      () => ({}),
    );
    expect(operation(app, "/users/{id}").parameters).toEqual([
      { name: "id", in: "path", required: true, schema: { type: "integer", minimum: 1 } },
      {
        name: "verbose",
        in: "query",
        required: false,
        schema: { type: "boolean", default: false },
      },
      {
        name: "tag",
        in: "query",
        required: false,
        schema: { type: "array", items: { type: "string" } },
      },
      { name: "x-token", in: "header", required: true, schema: { type: "string" } },
      { name: "session", in: "cookie", required: false, schema: { type: "string" } },
    ]);
  });

  test("the header named x_token is documented as x-token, the name it is read by", async () => {
    const app = new App();
    app.get(
      "/h",
      { headers: { x_token: z.string(), "x-trace-id": z.string() } },
      ({ headers }) => headers,
    );
    const names = operation(app, "/h").parameters!.map((p) => p.name);
    expect(names).toEqual(["x-token", "x-trace-id"]);
    const res = await new TestClient(app).get("/h", {
      headers: { "X-Token": "t", "X-Trace-Id": "1" },
    });
    expect(res.json()).toEqual({ x_token: "t", "x-trace-id": "1" });
  });

  test("description, deprecated and examples from the field's metadata", () => {
    const app = new App();
    app.get(
      "/search",
      {
        query: {
          q: z.string().describe("Words to look for"),
          page: z.int().meta({ description: "Page number", examples: [1, 2], deprecated: true }),
        },
      },
      () => [],
    );
    expect(operation(app, "/search").parameters).toEqual([
      {
        name: "q",
        in: "query",
        required: true,
        schema: { type: "string", description: "Words to look for" },
        description: "Words to look for",
      },
      {
        name: "page",
        in: "query",
        required: true,
        schema: { type: "integer", description: "Page number", examples: [1, 2], deprecated: true },
        description: "Page number",
        deprecated: true,
      },
    ]);
  });

  test("an object schema for a group is documented field by field, a named one too", () => {
    const Filters = z
      .object({ min: z.number().optional(), max: z.number().optional() })
      .meta({ id: "Filters" });
    const app = new App();
    app.get("/a", { query: z.object({ q: z.string() }) }, () => 1);
    app.get("/b", { query: Filters }, () => 1);
    expect(operation(app, "/a").parameters).toEqual([
      { name: "q", in: "query", required: true, schema: { type: "string" } },
    ]);
    expect(operation(app, "/b").parameters!.map((p) => [p.name, p.required])).toEqual([
      ["min", false],
      ["max", false],
    ]);
    // Expanded into parameters, the named object itself is not a component.
    expect(app.openapi().components?.schemas?.Filters).toBeUndefined();
  });

  test("path parameters no schema declares are documented as strings, in path order", () => {
    const app = new App();
    app.get("/orgs/{org}/repos/{repo}/files/{rest:path}", { params: { repo: z.int() } }, () => 1);
    const parameters = operation(app, "/orgs/{org}/repos/{repo}/files/{rest}").parameters!;
    expect(parameters).toEqual([
      { name: "org", in: "path", required: true, schema: { type: "string" } },
      { name: "repo", in: "path", required: true, schema: { type: "integer" } },
      { name: "rest", in: "path", required: true, schema: { type: "string" } },
    ]);
  });

  test("a route without inputs has no parameters and no 422", () => {
    const app = new App();
    app.get("/", () => "hi");
    const op = operation(app, "/");
    expect(op.parameters).toBeUndefined();
    expect(Object.keys(op.responses)).toEqual(["200"]);
  });
});

describe("inputs declared by dependencies", () => {
  const pagination = depends(
    { query: { skip: z.int().min(0).default(0), limit: z.int().max(100).default(10) } },
    ({ query }) => query,
  );
  const token = depends(
    { headers: { x_token: z.string().describe("API token") } },
    ({ headers }) => headers.x_token,
  );
  const user = depends({ token }, ({ token }) => ({ name: token }));

  test("are documented exactly like the route's own, sub-dependencies included", () => {
    const app = new App();
    app.get("/items", { deps: { page: pagination, user } }, ({ page }) => page);
    expect(operation(app, "/items").parameters).toEqual([
      {
        name: "skip",
        in: "query",
        required: false,
        schema: { type: "integer", minimum: 0, default: 0 },
      },
      {
        name: "limit",
        in: "query",
        required: false,
        schema: { type: "integer", maximum: 100, default: 10 },
      },
      {
        name: "x-token",
        in: "header",
        required: true,
        schema: { type: "string", description: "API token" },
        description: "API token",
      },
    ]);
    expect(operation(app, "/items").responses["422"]).toBeDefined();
  });

  test("from routers, includes and the app, for their effect too", () => {
    const items = new Router({ prefix: "/items", deps: [token] });
    items.get("/", () => []);
    const app = new App({ deps: [pagination] });
    app.include(items);
    expect(operation(app, "/items/").parameters!.map((p) => p.name)).toEqual([
      "skip",
      "limit",
      "x-token",
    ]);
  });

  test("a parameter both the route and a dependency declare is listed once", () => {
    const app = new App();
    app.get("/x", { query: { skip: z.int() }, deps: { page: pagination } }, () => 1);
    expect(operation(app, "/x").parameters!.map((p) => p.name)).toEqual(["skip", "limit"]);
  });

  test("dependency overrides (a test's fakes) do not change the document", () => {
    const app = new App();
    app.get("/items", { deps: { page: pagination } }, ({ page }) => page);
    const before = JSON.stringify(app.openapi());
    app.dependencyOverrides.set(pagination, () => ({ skip: 0, limit: 1 }));
    const after = app.openapi();
    expect(JSON.stringify(after)).toBe(before);
    expect(after.paths["/items"]!.get!.parameters).toHaveLength(2);
  });
});
