import assert from "node:assert/strict";
import { App, depends, HTTPException, Router, z } from "vial";
import { TestClient } from "vial/testing";

const verifyToken = depends({ headers: { x_token: z.string() } }, ({ headers }) => {
  if (headers.x_token !== "secret") throw new HTTPException(401, "Bad token");
  return headers.x_token;
});

// A router groups routes under a prefix, with tags and dependencies for all of them.
const items = new Router({ prefix: "/items", tags: ["items"], deps: { token: verifyToken } });
items.get("/{id}", { params: { id: z.int() } }, ({ params, token }) => ({ id: params.id, token }));

const app = new App({
  // Set-up before the first request, tear-down on shutdown; what it yields is `app.state`.
  lifespan: async function* () {
    const cache = new Map<number, string>();
    yield { cache };
    cache.clear();
  },
});
app.include(items);

// Middleware wraps every request: code before `next()` runs on the way in, after it on the way out.
app.use(async (_ctx, next) => {
  const started = performance.now();
  const res = await next();
  res.headers.set("x-process-time", (performance.now() - started).toFixed(2));
  return res;
});

const client = new TestClient(app);
const res = await client.get("/items/7", { headers: { "x-token": "secret" } });
assert.deepEqual(res.json(), { id: 7, token: "secret" });
assert.ok(res.headers.get("x-process-time"));
assert.equal((await client.get("/items/7", { headers: { "x-token": "wrong" } })).status, 401);
await client.close(); // runs the lifespan's tear-down
