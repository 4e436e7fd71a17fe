import { App, Dependency, depends } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";
import { folderWith } from "./helpers.js";

const SECRET = "test-secret-key-0123456789";
const templates = folderWith({
  "form.html": '<form method="post">{{ csrf_field() }}<input name="title"></form>',
  "token.html": "{{ csrf_token() }}",
});

/** A stand-in for a bearer-token scheme: a dependency with `security` set. */
function bearerLike(): Dependency<string> {
  const dep = new Dependency<string>({}, {}, ({ request }) =>
    String(request.headers.authorization),
  );
  dep.security = { name: "bearer", scheme: { type: "http", scheme: "bearer" }, scopes: [] };
  return dep;
}

function formApp(options: ConstructorParameters<typeof App>[0] = {}) {
  const app = new App({ secretKey: SECRET, templates, ...options });
  app.get("/form", ({ render }) => render("form.html"));
  app.get("/token", ({ render }) => render("token.html"));
  app.post("/posts", ({ request }) => ({ title: request.form.title ?? null }));
  app.post("/delete", () => ({ deleted: true }));
  app.post("/api", { deps: { token: bearerLike() } }, ({ token }) => ({ token }));
  app.post("/hook", { csrf: false }, () => ({ hooked: true }));
  return app;
}

async function tokenOf(client: TestClient): Promise<string> {
  const html = (await client.get("/form")).text();
  return /name="csrf_token" value="([\w-]+)"/.exec(html)![1]!;
}

describe("CSRF protection", () => {
  test("a form post with the hidden field's token passes", async () => {
    const client = new TestClient(formApp());
    const token = await tokenOf(client);
    const res = await client.post("/posts", { form: { csrf_token: token, title: "Hi" } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ title: "Hi" });
  });

  test("a missing token is 403, saying how to add one", async () => {
    const client = new TestClient(formApp());
    await tokenOf(client);
    const res = await client.post("/posts", { form: { title: "Hi" } });
    expect(res.status).toBe(403);
    expect(res.json().detail).toContain("The CSRF token is missing");
    expect(res.json().detail).toContain("{{ csrf_field() }}");
  });

  test("a wrong token is 403", async () => {
    const client = new TestClient(formApp());
    const token = await tokenOf(client);
    const other = await tokenOf(new TestClient(formApp()));
    expect(token).not.toBe(other);
    const res = await client.post("/posts", { form: { csrf_token: other, title: "Hi" } });
    expect(res.status).toBe(403);
    expect(res.json().detail).toContain("The CSRF token is invalid");
    const garbage = await client.post("/posts", { form: { csrf_token: "nope" } });
    expect(garbage.status).toBe(403);
  });

  test("tokens are masked differently on every page but all verify", async () => {
    const client = new TestClient(formApp());
    const a = await tokenOf(client);
    const b = await tokenOf(client);
    expect(a).not.toBe(b);
    for (const token of [a, b]) {
      expect((await client.post("/delete", { form: { csrf_token: token } })).status).toBe(200);
    }
  });

  test("a post without form fields (a delete button) is checked too", async () => {
    const client = new TestClient(formApp());
    await tokenOf(client);
    expect((await client.post("/delete")).status).toBe(403);
  });

  test("scripts send the token in the X-CSRF-Token header", async () => {
    const client = new TestClient(formApp());
    const token = (await client.get("/token")).text();
    const res = await client.post("/delete", { headers: { "x-csrf-token": token } });
    expect(res.status).toBe(200);
  });

  test("a multipart form carries the token in its fields", async () => {
    const client = new TestClient(formApp());
    const token = await tokenOf(client);
    const res = await client.post("/posts", {
      form: { csrf_token: token, title: "With file" },
      files: { photo: { filename: "a.txt", content: "x" } },
    });
    expect(res.json()).toEqual({ title: "With file" });
  });

  test("JSON bodies are exempt: another site cannot send one without a CORS preflight", async () => {
    const client = new TestClient(formApp());
    expect((await client.post("/delete", { json: {} })).status).toBe(200);
  });

  test("routes authenticated by a security dependency (bearer, API key) are exempt", async () => {
    const client = new TestClient(formApp());
    const res = await client.post("/api", {
      form: { a: "1" },
      headers: { authorization: "Bearer abc" },
    });
    expect(res.json()).toEqual({ token: "Bearer abc" });
  });

  test("`csrf: false` exempts a route; `csrf: false` on the app turns the check off", async () => {
    expect((await new TestClient(formApp()).post("/hook", { form: {} })).status).toBe(200);
    const off = new TestClient(formApp({ csrf: false }));
    expect((await off.post("/posts", { form: { title: "x" } })).status).toBe(200);
  });

  test("safe methods and apps without sessions are never checked", async () => {
    const app = new App();
    app.post("/open", () => "ok");
    expect((await new TestClient(app).post("/open", { form: { a: "1" } })).status).toBe(200);
    expect((await new TestClient(formApp()).get("/form")).status).toBe(200);
  });

  test("the field and header names can be changed", async () => {
    const app = formApp({ csrf: { field: "_token", header: "X-XSRF-Token" } });
    const client = new TestClient(app);
    const html = (await client.get("/form")).text();
    const token = /name="_token" value="([\w-]+)"/.exec(html)![1]!;
    expect((await client.post("/delete", { form: { _token: token } })).status).toBe(200);
    expect((await client.post("/delete", { headers: { "x-xsrf-token": token } })).status).toBe(200);
  });
});

test("depends() can read the session too", async () => {
  const user = depends(({ session }) => session.user ?? "anonymous");
  const app = new App({ secretKey: SECRET });
  app.get("/me", { deps: { user } }, ({ user }) => ({ user }));
  expect((await new TestClient(app).get("/me")).json()).toEqual({ user: "anonymous" });
});
