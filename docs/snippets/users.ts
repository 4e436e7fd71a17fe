import assert from "node:assert/strict";
import { App, z } from "vial";
import { TestClient } from "vial/testing";

const app = new App({ title: "Users API", version: "1.0.0" });

// The seed's FastAPI `User` model, as a Zod schema.
const User = z.object({ username: z.string().min(3), email: z.email(), age: z.int().min(0) });

app.post("/users/", { body: User, status: 201 }, async ({ body }) => {
  // `body` is typed { username: string; email: string; age: number } and already valid.
  return { message: "User created", user: body };
});

const client = new TestClient(app);
const created = await client.post("/users/", {
  json: { username: "alice", email: "alice@example.com", age: 30 },
});
assert.equal(created.status, 201);

// Bad input gets FastAPI's 422, listing every problem, so existing front ends keep working.
const invalid = await client.post("/users/", {
  json: { username: "al", email: "alice@example.com", age: "thirty" },
});
assert.equal(invalid.status, 422);
assert.deepEqual(invalid.json(), {
  detail: [
    {
      type: "string_too_short",
      loc: ["body", "username"],
      msg: "String should have at least 3 characters",
      input: "al",
      ctx: { min_length: 3 },
    },
    {
      type: "int_type",
      loc: ["body", "age"],
      msg: "Input should be a valid integer",
      input: "thirty",
    },
  ],
});
