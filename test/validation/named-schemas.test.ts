import { App, z } from "vial";
import { TestClient } from "vial/testing";
import { expect, test } from "vitest";

const Filters = z
  .object({ min: z.int().optional(), tags: z.array(z.string()).default([]) })
  .meta({ id: "Filters" });

test("a named object schema (.meta({ id })) works as a query group: coerced and validated", async () => {
  const app = new App();
  app.get("/items", { query: Filters }, ({ query }) => query);
  const client = new TestClient(app);
  const ok = await client.get("/items?min=3&tags=a&tags=b");
  expect(ok.status).toBe(200);
  expect(ok.json()).toEqual({ min: 3, tags: ["a", "b"] });
  const bad = await client.get("/items?min=x");
  expect(bad.status).toBe(422);
  expect(bad.json().detail[0]).toMatchObject({ type: "int_parsing", loc: ["query", "min"] });
});

test("a named schema works as a response schema: only declared fields are sent", async () => {
  const Out = z.object({ id: z.int(), name: z.string() }).meta({ id: "Out" });
  const app = new App();
  app.get("/x", { response: Out }, () => ({ id: 1, name: "a", secret: "s" }));
  const res = await new TestClient(app).get("/x");
  expect(res.json()).toEqual({ id: 1, name: "a" });
});
