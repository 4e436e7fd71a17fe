import { App, depends, Security, SecurityScopes } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";
import { analyse } from "../../src/di/analyse.js";
import { Dependency } from "../../src/di/dependency.js";
import { planSecurity } from "../../src/di/security-info.js";

describe("Security and SecurityScopes", () => {
  test("scopes add up along the chain and reach the dependency that declares SecurityScopes", async () => {
    const app = new App();
    const currentUser = depends({ securityScopes: SecurityScopes }, ({ securityScopes }) => ({
      scopes: securityScopes.scopes,
      scopeStr: securityScopes.scopeStr,
    }));
    const activeUser = depends({ user: Security(currentUser, ["me"]) }, ({ user }) => user);
    app.get("/me", { deps: { user: Security(activeUser, ["items"]) } }, ({ user }) => user);
    app.get("/plain", { deps: { user: currentUser } }, ({ user }) => user);
    const client = new TestClient(app);
    expect((await client.get("/me")).json()).toEqual({
      scopes: ["items", "me"],
      scopeStr: "items me",
    });
    expect((await client.get("/plain")).json()).toEqual({ scopes: [], scopeStr: "" });
  });

  test("a scope-using dependency runs once per set of scopes; others once per request", async () => {
    const app = new App();
    let scoped = 0;
    let plain = 0;
    const counter = depends(() => ++plain);
    const user = depends({ s: SecurityScopes, n: counter }, ({ s }) => {
      scoped++;
      return s.scopeStr;
    });
    app.get(
      "/",
      { deps: { a: Security(user, ["a"]), b: Security(user, ["b"]), a2: Security(user, ["a"]) } },
      ({ a, b, a2 }) => [a, b, a2],
    );
    expect((await new TestClient(app).get("/")).json()).toEqual(["a", "b", "a"]);
    expect(scoped).toBe(2);
    expect(plain).toBe(1);
  });

  test("Security(dep) refuses scopes that are not single tokens", () => {
    const dep = depends(function user() {
      return 1;
    });
    expect(() => Security(dep, ["read write"])).toThrow(
      "Security(user, scopes): 'read write' is not a scope.",
    );
  });

  test("overrides apply to a dependency used through Security()", async () => {
    const app = new App();
    const user = depends(() => "real");
    app.get("/", { deps: { user: Security(user, ["me"]) } }, ({ user }) => user);
    app.dependencyOverrides.set(user, () => "fake");
    expect((await new TestClient(app).get("/")).text()).toBe("fake");
  });

  test("app.resolve passes through Security() and gives SecurityScopes no scopes", async () => {
    const app = new App();
    const user = depends({ s: SecurityScopes }, ({ s }) => s.scopes);
    expect(await app.resolve(Security(user, ["x"]))).toEqual([]);
  });

  test("planSecurity lists each scheme once, with the OAuth2 scopes required along the chain", () => {
    const oauth = new Dependency({}, { s: SecurityScopes }, ({ s }) => s);
    oauth.security = {
      name: "OAuth2PasswordBearer",
      scheme: { type: "oauth2", flows: { password: { tokenUrl: "token", scopes: {} } } },
      scopes: [],
    };
    const key = new Dependency({}, {}, () => "k");
    key.security = {
      name: "APIKeyHeader",
      scheme: { type: "apiKey", in: "header", name: "x-key" },
      scopes: [],
    };
    const user = depends({ token: oauth }, ({ token }) => token);
    const app = new App();
    app.get(
      "/",
      { deps: { a: Security(user, ["me"]), b: Security(user, ["items"]), key } },
      () => 1,
    );
    const record = app.records[0]!;
    const plan = analyse(record.deps, new Map(), "test");
    expect(planSecurity(plan)).toEqual([
      {
        name: "OAuth2PasswordBearer",
        scheme: { type: "oauth2", flows: { password: { tokenUrl: "token", scopes: {} } } },
        scopes: ["me", "items"],
      },
      { name: "APIKeyHeader", scheme: { type: "apiKey", in: "header", name: "x-key" }, scopes: [] },
    ]);
  });
});
