import assert from "node:assert/strict";
import { App, z } from "vial";
import { TestClient } from "vial/testing";

const app = new App({ title: "Users API", version: "1.0.0" });
const User = z.object({ username: z.string().min(3), email: z.email() }).meta({ id: "User" });

app.post(
  "/users/",
  { body: User, status: 201, response: User, tags: ["users"] },
  function create_user({ body }) {
    return body;
  },
);

const client = new TestClient(app);
const document = (await client.get("/openapi.json")).json();
const operation = document.paths["/users/"].post;
assert.equal(document.openapi, "3.1.0");
assert.equal(operation.operationId, "create_user_users__post");
assert.equal(operation.summary, "Create User");
assert.deepEqual(operation.requestBody.content["application/json"].schema, {
  $ref: "#/components/schemas/User",
});
assert.deepEqual(Object.keys(operation.responses), ["201", "422"]);
assert.equal((await client.get("/docs")).status, 200); // Swagger UI, served offline
assert.equal((await client.get("/redoc")).status, 200); // ReDoc
