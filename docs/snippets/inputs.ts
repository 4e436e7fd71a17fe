import assert from "node:assert/strict";
import { App, z } from "vial";
import { TestClient } from "vial/testing";

const app = new App();

app.get(
  "/users/{id}",
  {
    params: { id: z.int() }, // "42" -> 42; "abc" -> 422
    query: { verbose: z.boolean().default(false), tag: z.array(z.string()).optional() },
    headers: { x_token: z.string() }, // reads the X-Token header
    cookies: { theme: z.enum(["light", "dark"]).default("light") },
  },
  ({ params, query, headers, cookies }) => ({
    id: params.id,
    verbose: query.verbose,
    tags: query.tag,
    token: headers.x_token,
    theme: cookies.theme,
  }),
);

const client = new TestClient(app);
const res = await client.get("/users/42?verbose=yes&tag=a&tag=b", {
  headers: { "X-Token": "t0k" },
  cookies: { theme: "dark" },
});
assert.deepEqual(res.json(), {
  id: 42,
  verbose: true,
  tags: ["a", "b"],
  token: "t0k",
  theme: "dark",
});

const bad = await client.get("/users/abc");
assert.deepEqual(
  bad.json().detail.map((e: { loc: string[]; type: string }) => [e.loc, e.type]),
  [
    [["path", "id"], "int_parsing"],
    [["header", "x-token"], "missing"],
  ],
);
