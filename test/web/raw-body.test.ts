import { App, z } from "vial";
import { TestClient } from "vial/testing";
import { expect, test } from "vitest";

test("request.text() after a form was read gives the urlencoded body instead of hanging", async () => {
  const app = new App();
  app.post("/form", { form: { a: z.string() } }, async ({ request }) => request.text());
  const res = await new TestClient(app).post("/form", { form: { a: "1", b: "2" } });
  expect(res.text()).toBe("a=1&b=2");
});

test("request.body() after a multipart form was read fails with the reason instead of hanging", async () => {
  const app = new App();
  app.post("/multi", { form: { a: z.string() } }, async ({ request }) => request.text());
  const client = new TestClient(app, { raiseServerExceptions: true });
  await expect(
    client.post("/multi", { form: { a: "1" }, files: { f: { filename: "x", content: "y" } } }),
  ).rejects.toThrow("The request body was already read as a multipart form");
});
