import { App, HTTPException, z } from "vial";
import { TestClient } from "vial/testing";
import { expect, test } from "vitest";

test("the DESIGN.md example works", async () => {
  const app = new App({ title: "Users API", version: "1.0.0" });
  app.get("/", () => ({ message: "Hello, World!" }));
  const User = z.object({ username: z.string().min(3), email: z.email(), age: z.int().min(0) });
  const UserOut = z.object({ username: z.string(), email: z.email() });
  app.post(
    "/users/",
    { body: User, status: 201, response: UserOut, tags: ["users"] },
    async ({ body }) => body,
  );
  app.get(
    "/users/{id}",
    {
      params: { id: z.int() },
      query: { verbose: z.boolean().default(false), tag: z.array(z.string()).optional() },
    },
    ({ params, query }) => ({ id: params.id, verbose: query.verbose }),
  );
  app.get("/items/{id}", () => {
    throw new HTTPException(404, "Item not found");
  });
  const client = new TestClient(app);
  let res = await client.get("/");
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({ message: "Hello, World!" });
  res = await client.post("/users/", { json: { username: "ann", email: "a@b.co", age: 3 } });
  expect(res.status).toBe(201);
  expect(res.json()).toEqual({ username: "ann", email: "a@b.co" });
  res = await client.get("/users/42", { query: { verbose: "yes" } });
  expect(res.json()).toEqual({ id: 42, verbose: true });
  res = await client.get("/users/abc");
  expect(res.status).toBe(422);
  console.log(JSON.stringify(res.json()));
  res = await client.post("/users/", { json: { username: "a", email: "nope", age: "thirty" } });
  console.log(JSON.stringify(res.json()));
  res = await client.get("/items/1");
  expect(res.json()).toEqual({ detail: "Item not found" });
  res = await client.get("/nope");
  expect(res.status).toBe(404);
  res = await client.post("/");
  expect(res.status).toBe(405);
  console.log(res.headers.get("allow"));
  res = await client.get("/users", { followRedirects: false });
  console.log(res.status, res.headers.get("location"));
});
