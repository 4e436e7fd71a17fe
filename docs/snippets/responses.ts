import assert from "node:assert/strict";
import { App, HTMLResponse, HTTPException, RedirectResponse, z } from "vial";
import { TestClient } from "vial/testing";

const app = new App();
const UserOut = z.object({
  username: z.string(),
  email: z.email(),
  tags: z.array(z.string()).default([]),
});

// `response` filters and documents: the password never leaks, defaults are filled in.
app.get("/users/me", { response: UserOut }, () => {
  const row = { username: "ann", email: "ann@example.com", password: "hash" };
  return row; // extra fields are allowed in, and filtered out
});

app.get("/items/{id}", { params: { id: z.int() } }, ({ params }) => {
  if (params.id !== 1) throw new HTTPException(404, "Item not found");
  return { id: 1 };
});

app.post("/login", ({ response }) => {
  response.setCookie("session", "abc", { httpOnly: true, sameSite: "lax" });
  return new RedirectResponse("/home", { status: 303 });
});
app.get("/home", () => new HTMLResponse("<h1>Welcome</h1>"));

const client = new TestClient(app);
assert.deepEqual((await client.get("/users/me")).json(), {
  username: "ann",
  email: "ann@example.com",
  tags: [],
});
assert.deepEqual((await client.get("/items/2")).json(), { detail: "Item not found" });
const home = await client.post("/login");
assert.equal(home.text(), "<h1>Welcome</h1>");
assert.equal(client.cookies.get("session"), "abc");
