import { App, z } from "vial";
import { TestClient } from "vial/testing";
import { expect, test } from "vitest";

test("a missing form field reports input null, as FastAPI's Form() fields do", async () => {
  const app = new App();
  app.post("/login", { form: { username: z.string(), password: z.string() } }, ({ form }) => form);
  const res = await new TestClient(app).post("/login", { form: { other: "x" } });
  expect(res.status).toBe(422);
  expect(res.json()).toEqual({
    detail: [
      { type: "missing", loc: ["body", "username"], msg: "Field required", input: null },
      { type: "missing", loc: ["body", "password"], msg: "Field required", input: null },
    ],
  });
});

test("a missing JSON body field still reports the object it is missing from", async () => {
  const app = new App();
  app.post("/users", { body: z.object({ name: z.string() }) }, ({ body }) => body);
  const res = await new TestClient(app).post("/users", { json: { other: 1 } });
  expect(res.json().detail).toEqual([
    { type: "missing", loc: ["body", "name"], msg: "Field required", input: { other: 1 } },
  ]);
});
