import { App, depends, HTTPBasic, HTTPBearer, HTTPException, safeCompare } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

const basicHeader = (raw: string) => `Basic ${Buffer.from(raw, "utf8").toString("base64")}`;

describe("HTTPBearer", () => {
  const app = new App();
  app.get("/me", { deps: { auth: new HTTPBearer() } }, ({ auth }) => auth);
  const optional = new HTTPBearer({ autoError: false });
  app.get("/maybe", { deps: { auth: optional } }, ({ auth }) => ({ auth: auth ?? null }));
  const client = new TestClient(app);

  test("gives the scheme and the token", async () => {
    const res = await client.get("/me", { headers: { authorization: "Bearer abc.def" } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ scheme: "Bearer", credentials: "abc.def" });
  });

  test("the scheme is case-insensitive", async () => {
    const res = await client.get("/me", { headers: { authorization: "bearer tok" } });
    expect(res.json()).toEqual({ scheme: "bearer", credentials: "tok" });
  });

  test("a missing Authorization header is 401 Not authenticated with WWW-Authenticate: Bearer", async () => {
    const res = await client.get("/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect(res.json()).toEqual({ detail: "Not authenticated" });
  });

  test("a malformed Authorization header (no token) is 401", async () => {
    const res = await client.get("/me", { headers: { authorization: "Bearer" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect(res.json()).toEqual({ detail: "Not authenticated" });
  });

  test("a wrong scheme is 401", async () => {
    const res = await client.get("/me", { headers: { authorization: "Basic YTpi" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect(res.json()).toEqual({ detail: "Not authenticated" });
  });

  test("autoError: false gives undefined instead of a 401", async () => {
    expect((await client.get("/maybe")).json()).toEqual({ auth: null });
    const res = await client.get("/maybe", { headers: { authorization: "Token x" } });
    expect(res.json()).toEqual({ auth: null });
    const ok = await client.get("/maybe", { headers: { authorization: "Bearer x" } });
    expect(ok.json()).toEqual({ auth: { scheme: "Bearer", credentials: "x" } });
  });

  test("describes itself for OpenAPI", () => {
    expect(new HTTPBearer({ bearerFormat: "JWT", description: "A JWT" }).security).toEqual({
      name: "HTTPBearer",
      scheme: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A JWT" },
      scopes: [],
    });
    expect(new HTTPBearer({ schemeName: "jwt" }).security?.name).toBe("jwt");
  });

  test("notAuthenticated can be overridden, e.g. for the pre-0.122 FastAPI 403", async () => {
    class LegacyBearer extends HTTPBearer {
      override notAuthenticated() {
        return new HTTPException(403, "Not authenticated");
      }
    }
    const legacy = new App();
    legacy.get("/", { deps: { auth: new LegacyBearer() } }, () => "x");
    const res = await new TestClient(legacy).get("/");
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toBeNull();
    expect(res.json()).toEqual({ detail: "Not authenticated" });
  });
});

describe("HTTPBasic", () => {
  const app = new App();
  const basic = new HTTPBasic({ realm: "admin area" });
  const admin = depends({ creds: basic }, ({ creds }) => {
    const ok = safeCompare(creds.username, "stanley") && safeCompare(creds.password, "swordfish");
    if (!ok) {
      throw new HTTPException(401, "Incorrect username or password", {
        "WWW-Authenticate": 'Basic realm="admin area"',
      });
    }
    return creds.username;
  });
  app.get("/creds", { deps: { creds: basic } }, ({ creds }) => creds);
  app.get("/admin", { deps: { user: admin } }, ({ user }) => ({ user }));
  app.get("/plain", { deps: { creds: new HTTPBasic() } }, ({ creds }) => creds);
  app.get("/maybe", { deps: { creds: new HTTPBasic({ autoError: false }) } }, ({ creds }) => ({
    creds: creds ?? null,
  }));
  const client = new TestClient(app);

  const expectChallenge = async (authorization: string | undefined, path = "/creds") => {
    const res = await client.get(path, {
      headers: authorization === undefined ? {} : { authorization },
    });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ detail: "Not authenticated" });
    return res.headers.get("www-authenticate");
  };

  test("gives the user name and password; the password may contain colons", async () => {
    const res = await client.get("/creds", { headers: { authorization: basicHeader("ann:a:b") } });
    expect(res.json()).toEqual({ username: "ann", password: "a:b" });
  });

  test("decodes UTF-8 credentials", async () => {
    const res = await client.get("/creds", {
      headers: { authorization: basicHeader("zoë:pässword") },
    });
    expect(res.json()).toEqual({ username: "zoë", password: "pässword" });
  });

  test("missing credentials are 401 with the realm in the challenge", async () => {
    expect(await expectChallenge(undefined)).toBe('Basic realm="admin area"');
  });

  test("without a realm the challenge is plain Basic", async () => {
    expect(await expectChallenge(undefined, "/plain")).toBe("Basic");
  });

  test("a wrong scheme is 401", async () => {
    expect(await expectChallenge("Bearer abc")).toBe('Basic realm="admin area"');
  });

  test("invalid base64 is 401", async () => {
    expect(await expectChallenge("Basic not*base64!")).toBe('Basic realm="admin area"');
  });

  test("base64 of a wrong length is 401", async () => {
    expect(await expectChallenge("Basic YW5uOnB")).toBe('Basic realm="admin area"');
  });

  test("credentials without a colon are 401", async () => {
    expect(await expectChallenge(basicHeader("no-colon-here"))).toBe('Basic realm="admin area"');
  });

  test("credentials that are not UTF-8 are 401", async () => {
    const latin1 = `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString("base64")}`;
    expect(await expectChallenge(latin1)).toBe('Basic realm="admin area"');
  });

  test("wrong credentials checked by the app are its own 401", async () => {
    const res = await client.get("/admin", {
      headers: { authorization: basicHeader("stanley:nope") },
    });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ detail: "Incorrect username or password" });
    const ok = await client.get("/admin", {
      headers: { authorization: basicHeader("stanley:swordfish") },
    });
    expect(ok.json()).toEqual({ user: "stanley" });
  });

  test("autoError: false gives undefined for missing or malformed credentials", async () => {
    expect((await client.get("/maybe")).json()).toEqual({ creds: null });
    const bad = await client.get("/maybe", { headers: { authorization: "Basic ###" } });
    expect(bad.json()).toEqual({ creds: null });
  });

  test("a realm with quotes is escaped in the challenge", async () => {
    const quoted = new App();
    quoted.get("/", { deps: { c: new HTTPBasic({ realm: 'say "hi"' }) } }, () => "x");
    const res = await new TestClient(quoted).get("/");
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="say \\"hi\\""');
  });

  test("describes itself for OpenAPI", () => {
    expect(basic.security).toEqual({
      name: "HTTPBasic",
      scheme: { type: "http", scheme: "basic" },
      scopes: [],
    });
  });
});
