import { App, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function recordingLogger() {
  const warnings: string[] = [];
  const logger = {
    level: "info",
    warn: (message: string) => warnings.push(message),
    info: () => undefined,
    error: () => undefined,
    debug: () => undefined,
    trace: () => undefined,
    fatal: () => undefined,
    child: () => logger,
  };
  return { warnings, logger: logger as never };
}

describe("components.schemas", () => {
  test("a schema named with .meta({ id }) is a component used by $ref; others stay inline", () => {
    const Address = z.object({ city: z.string() }).meta({ id: "Address" });
    const User = z
      .object({ name: z.string(), address: Address, note: z.object({ text: z.string() }) })
      .meta({ id: "User", description: "A user" });
    const app = new App();
    app.post("/users", { body: User }, () => 1);
    const document = app.openapi();
    expect(document.paths["/users"]!.post!.requestBody!.content["application/json"]).toEqual({
      schema: ref("User"),
    });
    expect(document.components!.schemas!.User).toEqual({
      type: "object",
      properties: {
        name: { type: "string" },
        address: ref("Address"),
        note: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
      },
      required: ["name", "address", "note"],
      description: "A user",
    });
    expect(document.components!.schemas!.Address).toEqual({
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
    });
  });

  test("a schema registered in z.globalRegistry with an id is named the same way", () => {
    const Tag = z.object({ label: z.string() });
    Tag.register(z.globalRegistry, { id: "Tag" });
    const app = new App();
    app.get("/tags", { response: z.array(Tag) }, () => []);
    const document = app.openapi();
    expect(document.paths["/tags"]!.get!.responses["200"]!.content!["application/json"]).toEqual({
      schema: { type: "array", items: ref("Tag") },
    });
    expect(Object.keys(document.components!.schemas!)).toEqual(["Tag"]);
  });

  test("the same named schema in requests and responses is one component when they agree", () => {
    const Point = z.object({ x: z.number(), y: z.number() }).meta({ id: "Point" });
    const app = new App();
    app.post("/points", { body: Point, response: Point }, ({ body }) => body);
    const document = app.openapi();
    expect(Object.keys(document.components!.schemas!)).toEqual([
      "HTTPValidationError",
      "Point",
      "ValidationError",
    ]);
    const op = document.paths["/points"]!.post!;
    expect(op.requestBody!.content["application/json"]!.schema).toEqual(ref("Point"));
    expect(op.responses["200"]!.content!["application/json"]!.schema).toEqual(ref("Point"));
  });

  test("request and response forms that differ are named Name-Input and Name-Output", () => {
    const Item = z
      .object({ name: z.string(), tags: z.array(z.string()).default([]) })
      .meta({ id: "Item" });
    const app = new App();
    app.post("/items", { body: Item, response: Item }, ({ body }) => body);
    const document = app.openapi();
    const op = document.paths["/items"]!.post!;
    expect(op.requestBody!.content["application/json"]!.schema).toEqual(ref("Item-Input"));
    expect(op.responses["200"]!.content!["application/json"]!.schema).toEqual(ref("Item-Output"));
    expect(document.components!.schemas!["Item-Input"]!.required).toEqual(["name"]);
    expect(document.components!.schemas!["Item-Output"]!.required).toEqual(["name", "tags"]);
    expect(document.components!.schemas!.Item).toBeUndefined();
  });

  test("a schema that uses a split one is split too, so each side points to its own", () => {
    const Money = z
      .object({ amount: z.number(), currency: z.string().default("EUR") })
      .meta({ id: "Money" });
    const Product = z.object({ name: z.string(), price: Money }).meta({ id: "Product" });
    const app = new App();
    app.post("/products", { body: Product, response: Product }, ({ body }) => body);
    const schemas = app.openapi().components!.schemas!;
    expect(Object.keys(schemas).sort()).toEqual([
      "HTTPValidationError",
      "Money-Input",
      "Money-Output",
      "Product-Input",
      "Product-Output",
      "ValidationError",
    ]);
    expect((schemas["Product-Input"]!.properties as any).price).toEqual(ref("Money-Input"));
    expect((schemas["Product-Output"]!.properties as any).price).toEqual(ref("Money-Output"));
  });

  test("only one side used: the plain name, even if the sides would differ", () => {
    const Item = z.object({ tags: z.array(z.string()).default([]) }).meta({ id: "OnlyIn" });
    const app = new App();
    app.post("/items", { body: Item }, () => 1);
    expect(app.openapi().components!.schemas!.OnlyIn).toBeDefined();
  });

  test("two different schemas with one id are an error naming both routes", () => {
    const app = new App();
    app.post("/a", { body: z.object({ a: z.string() }).meta({ id: "Thing" }) }, () => 1);
    app.post("/b", { body: z.object({ b: z.int() }).meta({ id: "Thing" }) }, () => 1);
    expect(() => app.openapi()).toThrow(
      "Two different schemas are named 'Thing' (used by POST /a and POST /b). Give each its own id in .meta({ id }), or reuse one schema object.",
    );
  });

  test("an id that is not a valid component name is made one", () => {
    const app = new App();
    app.post("/a", { body: z.object({ a: z.string() }).meta({ id: "My Thing/v1" }) }, () => 1);
    expect(Object.keys(app.openapi().components!.schemas!)).toContain("My_Thing_v1");
  });

  test("recursive schemas become components, named or not", () => {
    const Category: z.ZodType<any> = z
      .object({
        name: z.string(),
        get children() {
          return z.array(Category);
        },
      })
      .meta({ id: "Category" });
    const Node: z.ZodType<any> = z.object({
      value: z.int(),
      get next() {
        return Node.optional();
      },
    });
    const app = new App();
    app.get("/categories", { response: Category }, () => ({ name: "a", children: [] }));
    app.post("/lists", { body: Node }, function create_list() {});
    const schemas = app.openapi().components!.schemas!;
    expect(schemas.Category).toEqual({
      type: "object",
      properties: { name: { type: "string" }, children: { type: "array", items: ref("Category") } },
      required: ["name", "children"],
    });
    const body = app.openapi().paths["/lists"]!.post!.requestBody!.content["application/json"]!;
    expect(body.schema).toEqual(ref("Body_create_list_lists_post"));
    expect((schemas.Body_create_list_lists_post!.properties as any).next).toEqual(
      ref("Body_create_list_lists_post"),
    );
  });

  test("components are sorted by name", () => {
    const B = z.object({ b: z.string() }).meta({ id: "Bravo" });
    const A = z.object({ a: z.string() }).meta({ id: "Alpha" });
    const app = new App();
    app.get("/x", { response: z.object({ b: B, a: A }) }, () => ({ a: { a: "" }, b: { b: "" } }));
    expect(Object.keys(app.openapi().components!.schemas!)).toEqual(["Alpha", "Bravo"]);
  });
});

describe("other Standard Schema libraries", () => {
  /** A Standard Schema made by hand: a string, with or without Standard JSON Schema support. */
  function standardString(withJSONSchema: boolean) {
    return {
      "~standard": {
        version: 1 as const,
        vendor: "hand-made",
        validate: (value: unknown) =>
          typeof value === "string" ? { value } : { issues: [{ message: "Expected a string" }] },
        ...(withJSONSchema
          ? {
              jsonSchema: {
                input: () => ({ type: "string", minLength: 2 }),
                output: () => ({ type: "string", minLength: 2 }),
              },
            }
          : {}),
      },
    };
  }

  test("their JSON Schema is used; fields mix with Zod ones", () => {
    const app = new App();
    app.get("/x", { query: { a: standardString(true), b: z.int().optional() } }, () => 1);
    expect(app.openapi().paths["/x"]!.get!.parameters).toEqual([
      { name: "a", in: "query", required: true, schema: { type: "string", minLength: 2 } },
      { name: "b", in: "query", required: false, schema: { type: "integer" } },
    ]);
  });

  test("a library without JSON Schema: any value, with the startup warning", async () => {
    const { warnings, logger } = recordingLogger();
    const app = new App({ logger });
    app.post("/x", { body: standardString(false) }, () => 1);
    await app.startup();
    expect(
      app.openapi().paths["/x"]!.post!.requestBody!.content["application/json"]!.schema,
    ).toEqual({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Route POST \/x: .*body: its schema library gives no JSON Schema/);
  });
});

describe("what JSON Schema cannot express", () => {
  test("a custom schema still validates, is documented as any value, with one warning", async () => {
    const { warnings, logger } = recordingLogger();
    const app = new App({ logger });
    const even = z.custom<number>((v) => typeof v === "number" && v % 2 === 0, "must be even");
    app.post("/even", { body: z.object({ n: even, label: z.string() }) }, ({ body }) => body);
    await app.startup();
    expect(warnings).toEqual([
      "Route POST /even: JSON Schema cannot express part of its schemas (body: n: Custom types cannot be represented in JSON Schema). " +
        "The OpenAPI document shows those parts as any value, or a response by what the handler returns before its transform; " +
        "requests are still validated by the schemas.",
    ]);
    const schema =
      app.openapi().paths["/even"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(schema).toEqual({
      type: "object",
      properties: { n: {}, label: { type: "string" } },
      required: ["n", "label"],
    });
    const client = new TestClient(app);
    expect((await client.post("/even", { json: { n: 4, label: "a" } })).status).toBe(200);
    const bad = await client.post("/even", { json: { n: 3, label: "a" } });
    expect(bad.status).toBe(422);
    expect(bad.json().detail[0]).toMatchObject({ loc: ["body", "n"], msg: "must be even" });
    // The document is generated again when routes change; the warning is not repeated.
    app.get("/other", () => 1);
    app.openapi();
    expect(warnings).toHaveLength(1);
  });

  test("a transform in a response is documented by its input type, with a warning", async () => {
    const { warnings, logger } = recordingLogger();
    const app = new App({ logger });
    const Out = z.object({ when: z.string().transform((s) => s.toUpperCase()) });
    app.get("/when", { response: Out }, () => ({ when: "now" }));
    await app.startup();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Route GET \/when: .*response: when: Transforms cannot be represented/,
    );
    const schema =
      app.openapi().paths["/when"]!.get!.responses["200"]!.content!["application/json"]!.schema;
    expect(schema).toEqual({
      type: "object",
      properties: { when: { type: "string" } },
      required: ["when"],
    });
    expect((await new TestClient(app).get("/when")).json()).toEqual({ when: "NOW" });
  });

  test("a transform in a request is its input type: no warning", async () => {
    const { warnings, logger } = recordingLogger();
    const app = new App({ logger });
    app.get("/n", { query: { n: z.string().transform((s) => s.length) } }, ({ query }) => query.n);
    await app.startup();
    expect(warnings).toEqual([]);
    expect(app.openapi().paths["/n"]!.get!.parameters![0]!.schema).toEqual({ type: "string" });
    expect((await new TestClient(app).get("/n?n=abc")).json()).toBe(3);
  });

  test("a refinement is documented by its type, silently, and still checked", async () => {
    const { warnings, logger } = recordingLogger();
    const app = new App({ logger });
    const Signup = z
      .object({ password: z.string(), repeat: z.string() })
      .refine((v) => v.password === v.repeat, "passwords differ");
    app.post("/signup", { body: Signup }, () => "ok");
    await app.startup();
    expect(warnings).toEqual([]);
    expect(
      app.openapi().paths["/signup"]!.post!.requestBody!.content["application/json"]!.schema,
    ).toMatchObject({ type: "object", required: ["password", "repeat"] });
    const bad = await new TestClient(app).post("/signup", { json: { password: "a", repeat: "b" } });
    expect(bad.status).toBe(422);
  });

  test("a Date in a response is what JSON makes of it: a date-time string", () => {
    const app = new App();
    app.get("/now", { response: z.object({ at: z.date() }) }, () => ({ at: new Date() }));
    expect(
      app.openapi().paths["/now"]!.get!.responses["200"]!.content!["application/json"]!.schema,
    ).toEqual({
      type: "object",
      properties: { at: { type: "string", format: "date-time" } },
      required: ["at"],
    });
  });

  test("a standard format drops Zod's regex for it; a pattern of your own stays", () => {
    const app = new App();
    app.post(
      "/x",
      {
        body: z.object({
          email: z.email(),
          id: z.uuid(),
          at: z.iso.datetime(),
          work: z.email({ pattern: /^[^@]+@example\.org$/ }),
          code: z.string().regex(/^[A-Z]{3}$/),
        }),
      },
      () => 1,
    );
    const schema =
      app.openapi().paths["/x"]!.post!.requestBody!.content["application/json"]!.schema!;
    expect(schema.properties).toEqual({
      email: { type: "string", format: "email" },
      id: { type: "string", format: "uuid" },
      at: { type: "string", format: "date-time" },
      work: { type: "string", format: "email", pattern: "^[^@]+@example\\.org$" },
      code: { type: "string", pattern: "^[A-Z]{3}$" },
    });
  });

  test("z.int() reads integer, without JavaScript's safe-integer bounds", () => {
    const app = new App();
    app.get(
      "/n/{n}",
      { params: { n: z.int() }, response: z.object({ n: z.int().max(10) }) },
      () => ({ n: 1 }),
    );
    const op = app.openapi().paths["/n/{n}"]!.get!;
    expect(op.parameters![0]!.schema).toEqual({ type: "integer" });
    expect(op.responses["200"]!.content!["application/json"]!.schema).toEqual({
      type: "object",
      properties: { n: { type: "integer", maximum: 10 } },
      required: ["n"],
    });
  });
});
