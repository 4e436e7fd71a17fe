import {
  App,
  depends,
  OAuth2PasswordBearer,
  OAuth2PasswordRequestForm,
  OAuth2PasswordRequestFormStrict,
  requireScopes,
  Security,
  SecurityScopes,
} from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";
import { analyse } from "../../src/di/analyse.js";
import { planSecurity } from "../../src/di/security-info.js";

const oauth2 = new OAuth2PasswordBearer({
  tokenUrl: "token",
  scopes: { me: "Read your profile", items: "Read your items" },
});

// Tokens here are "<user>:<scope>,<scope>" so the tests need no signing key.
const currentUser = depends(
  { securityScopes: SecurityScopes, token: oauth2 },
  ({ securityScopes, token }) => {
    const [user, scopes = ""] = token.split(":");
    requireScopes(securityScopes, scopes.split(",").filter(Boolean));
    return user!;
  },
);

function makeApp() {
  const app = new App();
  app.get("/token-value", { deps: { token: oauth2 } }, ({ token }) => ({ token }));
  app.get("/me", { deps: { user: Security(currentUser, ["me"]) } }, ({ user }) => ({ user }));
  app.get("/me/items", { deps: { user: Security(currentUser, ["me", "items"]) } }, ({ user }) => ({
    user,
    items: ["a"],
  }));
  app.post("/token", { deps: { login: OAuth2PasswordRequestForm } }, ({ login }) => login);
  app.post("/strict", { deps: { login: OAuth2PasswordRequestFormStrict } }, ({ login }) => login);
  return app;
}

describe("OAuth2PasswordBearer", () => {
  const client = new TestClient(makeApp());

  test("gives the bearer token", async () => {
    const res = await client.get("/token-value", { headers: { authorization: "Bearer t0k3n" } });
    expect(res.json()).toEqual({ token: "t0k3n" });
  });

  test("a missing Authorization header is 401 with WWW-Authenticate: Bearer", async () => {
    const res = await client.get("/token-value");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect(res.json()).toEqual({ detail: "Not authenticated" });
  });

  test("a wrong scheme is 401", async () => {
    const res = await client.get("/token-value", { headers: { authorization: "Basic YTpi" } });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ detail: "Not authenticated" });
  });

  test("a malformed header with no token is 401", async () => {
    const res = await client.get("/token-value", { headers: { authorization: "Bearer   " } });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ detail: "Not authenticated" });
  });

  test("when scopes are required, the challenge names them", async () => {
    const res = await client.get("/me/items");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer scope="me items"');
    expect(res.json()).toEqual({ detail: "Not authenticated" });
  });

  test("a token with every required scope passes", async () => {
    const res = await client.get("/me/items", {
      headers: { authorization: "Bearer ann:me,items" },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ user: "ann", items: ["a"] });
  });

  test("insufficient scopes are 403 Not enough permissions, naming the scopes required", async () => {
    const res = await client.get("/me/items", { headers: { authorization: "Bearer ann:me" } });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer error="insufficient_scope", scope="me items"',
    );
    expect(res.json()).toEqual({ detail: "Not enough permissions" });
    const fewer = await client.get("/me", { headers: { authorization: "Bearer ann:me" } });
    expect(fewer.json()).toEqual({ user: "ann" });
  });

  test("autoError: false gives undefined", async () => {
    const app = new App();
    const optional = new OAuth2PasswordBearer({ tokenUrl: "token", autoError: false });
    app.get("/", { deps: { token: optional } }, ({ token }) => ({ token: token ?? null }));
    expect((await new TestClient(app).get("/")).json()).toEqual({ token: null });
  });

  test("tokenUrl is required", () => {
    expect(() => new OAuth2PasswordBearer({} as never)).toThrow(
      "new OAuth2PasswordBearer({ tokenUrl }): tokenUrl is required",
    );
  });

  test("the route's OpenAPI security lists the password flow with the required scopes", () => {
    const app = makeApp();
    const record = app.records.find((r) => r.path === "/me/items")!;
    const plan = analyse(record.deps, new Map(), "test");
    expect(planSecurity(plan)).toEqual([
      {
        name: "OAuth2PasswordBearer",
        scheme: {
          type: "oauth2",
          flows: {
            password: {
              tokenUrl: "token",
              scopes: { me: "Read your profile", items: "Read your items" },
            },
          },
        },
        scopes: ["me", "items"],
      },
    ]);
  });
});

describe("OAuth2PasswordRequestForm", () => {
  const client = new TestClient(makeApp());

  test("reads the form and splits scope", async () => {
    const res = await client.post("/token", {
      form: {
        username: "ann",
        password: "pw",
        scope: "me  items:read",
        grant_type: "password",
        client_id: "cli",
        client_secret: "sec",
      },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      username: "ann",
      password: "pw",
      scopes: ["me", "items:read"],
      grantType: "password",
      clientId: "cli",
      clientSecret: "sec",
    });
  });

  test("only username and password are required", async () => {
    const res = await client.post("/token", { form: { username: "ann", password: "pw" } });
    expect(res.json()).toEqual({ username: "ann", password: "pw", scopes: [] });
  });

  test("missing fields are a 422 listing each", async () => {
    const res = await client.post("/token", { form: { scope: "me" } });
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([
      { type: "missing", loc: ["body", "username"], msg: "Field required", input: null },
      { type: "missing", loc: ["body", "password"], msg: "Field required", input: null },
    ]);
  });

  test("a grant_type other than password is a 422", async () => {
    const res = await client.post("/token", {
      form: { username: "ann", password: "pw", grant_type: "client_credentials" },
    });
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([
      {
        type: "string_pattern_mismatch",
        loc: ["body", "grant_type"],
        msg: "String should match pattern '^password$'",
        input: "client_credentials",
        ctx: { pattern: "^password$" },
      },
    ]);
  });

  test("the strict form requires grant_type", async () => {
    const res = await client.post("/strict", { form: { username: "ann", password: "pw" } });
    expect(res.status).toBe(422);
    expect(res.json().detail[0]).toMatchObject({ type: "missing", loc: ["body", "grant_type"] });
  });

  test("a JSON body is not a form: 422", async () => {
    const res = await client.post("/token", { json: { username: "ann", password: "pw" } });
    expect(res.status).toBe(422);
  });
});
