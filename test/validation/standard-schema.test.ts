import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { type } from "arktype";
import * as v from "valibot";
import { App } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

// DESIGN.md: any Standard Schema is accepted. Libraries that also implement Standard JSON Schema
// (ArkType; Valibot through toStandardJsonSchema) get coercion and documentation too.
describe("other Standard Schema libraries", () => {
  test("ArkType: coerced, validated, errors in FastAPI's format", async () => {
    const app = new App();
    app.get(
      "/users/{id}",
      { params: type({ id: "number.integer" }), query: { verbose: type("boolean") } },
      ({ params, query }) => ({
        id: params.id,
        verbose: query.verbose,
      }),
    );
    app.post("/users", { body: type({ name: "string", age: "number" }) }, ({ body }) => body);
    const client = new TestClient(app);
    expect((await client.get("/users/42?verbose=true")).json()).toEqual({ id: 42, verbose: true });
    const bad = await client.get("/users/x?verbose=true");
    expect(bad.status).toBe(422);
    expect(bad.json().detail).toEqual([
      {
        type: "value_error",
        loc: ["path", "id"],
        msg: "id must be a number (was a string)",
        input: "x",
      },
    ]);
    const missing = await client.post("/users", { json: { age: "old" } });
    expect(missing.json().detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "age"],
        msg: "age must be a number (was a string)",
        input: "old",
      },
      {
        type: "missing",
        loc: ["body", "name"],
        msg: "name must be a string (was missing)",
        input: { age: "old" },
      },
    ]);
  });

  test("Valibot with toStandardJsonSchema: coerced and validated", async () => {
    const app = new App();
    const Params = toStandardJsonSchema(v.object({ id: v.pipe(v.number(), v.integer()) }));
    app.get("/items/{id}", { params: Params }, ({ params }) => params);
    const client = new TestClient(app);
    expect((await client.get("/items/7")).json()).toEqual({ id: 7 });
    expect((await client.get("/items/x")).json().detail[0]).toMatchObject({
      loc: ["path", "id"],
      input: "x",
    });
  });

  test("a record mixing libraries is validated field by field", async () => {
    const app = new App();
    app.get("/mix", { query: { a: type("string"), b: v.string() } }, ({ query }) => query);
    const client = new TestClient(app);
    expect((await client.get("/mix?a=1&b=2")).json()).toEqual({ a: "1", b: "2" });
    const res = await client.get("/mix?a=1");
    expect(res.json().detail).toEqual([
      {
        type: "missing",
        loc: ["query", "b"],
        msg: "Invalid type: Expected string but received undefined",
        input: null,
      },
    ]);
  });
});
