import { TestClient } from "vial/testing";
import { afterEach, describe, expect, test } from "vitest";
import { createApp } from "../../examples/users/app.js";

const SECRET = "0123456789abcdef0123456789abcdef";
const ADMIN = "admin-key-for-tests";

let client: TestClient;
afterEach(async () => {
  await client?.close();
});

function start() {
  client = new TestClient(createApp(":memory:", { secretKey: SECRET, adminKey: ADMIN }));
  return client;
}

async function login(username: string, password: string, scope?: string) {
  return client.post("/token", {
    form: { username, password, ...(scope === undefined ? {} : { scope }) },
  });
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe("the users demo's log-in", () => {
  test("password flow: /token gives a bearer JWT that opens /users/me", async () => {
    start();
    const res = await login("alice", "wonderland");
    expect(res.status).toBe(200);
    const { access_token, token_type } = res.json();
    expect(token_type).toBe("bearer");
    expect(access_token.split(".")).toHaveLength(3);
    const me = await client.get("/users/me", bearer(access_token));
    expect(me.status).toBe(200);
    expect(me.json()).toEqual({
      username: "alice",
      fullName: "Alice Liddell",
      scopes: ["me", "reports"],
      disabled: false,
    });
  });

  test("the curl flow works against a real server", async () => {
    client = new TestClient(createApp(":memory:", { secretKey: SECRET, adminKey: ADMIN }), {
      transport: "http",
    });
    const token = (await login("alice", "wonderland")).json().access_token;
    const me = await client.get("/users/me", bearer(token));
    expect(me.json().username).toBe("alice");
  });

  test("a wrong password or unknown user is 401 Incorrect username or password", async () => {
    start();
    for (const [user, password] of [
      ["alice", "nope"],
      ["nobody", "wonderland"],
    ]) {
      const res = await login(user!, password!);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(res.json()).toEqual({ detail: "Incorrect username or password" });
    }
  });

  test("/users/me without a token is 401 with the scope challenge", async () => {
    start();
    const res = await client.get("/users/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer scope="me"');
    expect(res.json()).toEqual({ detail: "Not authenticated" });
  });

  test("a forged token is 401 Could not validate credentials", async () => {
    start();
    const { access_token } = (await login("bob", "builder")).json();
    const [header, , signature] = access_token.split(".");
    const payload = Buffer.from(JSON.stringify({ sub: "alice", scopes: ["me", "reports"] }));
    const forged = `${header}.${payload.toString("base64url")}.${signature}`;
    const res = await client.get("/users/me", bearer(forged));
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ detail: "Could not validate credentials" });
  });

  test("the scope-protected report needs the reports scope", async () => {
    start();
    await client.post("/users/", { json: { username: "ann", email: "ann@example.com", age: 30 } });
    const bob = (await login("bob", "builder")).json().access_token;
    const refused = await client.get("/reports/users", bearer(bob));
    expect(refused.status).toBe(403);
    expect(refused.json()).toEqual({ detail: "Not enough permissions" });
    const alice = (await login("alice", "wonderland", "me reports")).json().access_token;
    const report = await client.get("/reports/users", bearer(alice));
    expect(report.status).toBe(200);
    expect(report.json()).toEqual({ total: 1, requestedBy: "alice" });
  });

  test("a token limited to the scopes asked for does not open the report", async () => {
    start();
    const token = (await login("alice", "wonderland", "me")).json().access_token;
    expect((await client.get("/users/me", bearer(token))).status).toBe(200);
    expect((await client.get("/reports/users", bearer(token))).status).toBe(403);
  });

  test("the admin route takes the API key, refuses a wrong or missing one", async () => {
    start();
    const missing = await client.get("/admin/accounts");
    expect(missing.status).toBe(401);
    expect(missing.json()).toEqual({ detail: "Not authenticated" });
    const wrong = await client.get("/admin/accounts", { headers: { "x-api-key": "guess" } });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ detail: "Invalid API key" });
    const ok = await client.get("/admin/accounts", { headers: { "x-api-key": ADMIN } });
    expect(ok.status).toBe(200);
    expect(ok.json().map((a: { username: string }) => a.username)).toEqual(["alice", "bob"]);
    expect(JSON.stringify(ok.json())).not.toContain("scrypt");
  });

  test("the CRUD routes work as before, without a token", async () => {
    start();
    const created = await client.post("/users/", {
      json: { username: "carol", email: "carol@example.com", age: 41 },
    });
    expect(created.status).toBe(201);
    const { id } = created.json();
    expect((await client.get(`/users/${id}`)).json()).toMatchObject({ username: "carol" });
    expect((await client.get("/users/")).json()).toHaveLength(1);
    expect((await client.delete(`/users/${id}`)).status).toBe(204);
    expect((await client.get("/users/abc")).status).toBe(422);
  });
});
