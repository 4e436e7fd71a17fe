import assert from "node:assert/strict";
import { App, depends, z } from "vial";
import { TestClient } from "vial/testing";

const events: string[] = [];

// A generator dependency: set-up, `yield` the value, tear-down after the response is sent.
const getDb = depends(async function* () {
  events.push("open");
  try {
    yield { findUser: (name: string) => ({ name, admin: name === "root" }) };
  } finally {
    events.push("close");
  }
});

// Dependencies can declare inputs (validated and reported like the route's own) and use others.
const pagination = depends(
  { query: { skip: z.int().min(0).default(0), limit: z.int().max(100).default(10) } },
  ({ query }) => query,
);
const currentUser = depends({ headers: { x_user: z.string() }, db: getDb }, ({ headers, db }) =>
  db.findUser(headers.x_user),
);

const app = new App();
app.get("/me", { deps: { user: currentUser, page: pagination } }, ({ user, page }) => ({
  user,
  page,
}));

const client = new TestClient(app);
const res = await client.get("/me?limit=5", { headers: { "x-user": "ann" } });
assert.deepEqual(res.json(), { user: { name: "ann", admin: false }, page: { skip: 0, limit: 5 } });
assert.deepEqual(events, ["open", "close"]);

// In tests, swap a dependency for a fake.
app.dependencyOverrides.set(currentUser, () => ({ name: "test-user", admin: true }));
assert.deepEqual((await client.get("/me")).json().user, { name: "test-user", admin: true });
