import {
  APIKeyCookie,
  APIKeyHeader,
  APIKeyQuery,
  App,
  depends,
  HTTPException,
  safeCompare,
} from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

const ADMIN_KEY = "k-0123456789abcdef";

describe("API keys", () => {
  const app = new App();
  const header = new APIKeyHeader({ name: "X-API-Key" });
  const query = new APIKeyQuery({ name: "api_key" });
  const cookie = new APIKeyCookie({ name: "session" });
  app.get("/header", { deps: { key: header } }, ({ key }) => ({ key }));
  app.get("/query", { deps: { key: query } }, ({ key }) => ({ key }));
  app.get("/cookie", { deps: { key: cookie } }, ({ key }) => ({ key }));
  const admin = depends({ key: header }, ({ key }) => {
    if (!safeCompare(key, ADMIN_KEY))
      throw new HTTPException(401, "Invalid API key", { "WWW-Authenticate": "APIKey" });
  });
  app.get("/admin", { deps: [admin] }, () => ({ ok: true }));
  const optional = new APIKeyHeader({ name: "X-API-Key", autoError: false });
  app.get("/maybe", { deps: { key: optional } }, ({ key }) => ({ key: key ?? null }));
  const client = new TestClient(app);

  test("are read from a header, a query parameter or a cookie", async () => {
    expect((await client.get("/header", { headers: { "x-api-key": "h1" } })).json()).toEqual({
      key: "h1",
    });
    expect((await client.get("/query?api_key=q1")).json()).toEqual({ key: "q1" });
    expect((await client.get("/cookie", { cookies: { session: "c1" } })).json()).toEqual({
      key: "c1",
    });
  });

  test.each(["/header", "/query", "/cookie"])(
    "a missing key on %s is 401 Not authenticated with WWW-Authenticate: APIKey",
    async (path) => {
      const res = await client.get(path);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("APIKey");
      expect(res.json()).toEqual({ detail: "Not authenticated" });
    },
  );

  test("an empty key is a missing key", async () => {
    const res = await client.get("/query?api_key=");
    expect(res.status).toBe(401);
  });

  test("a wrong API key is refused by the check, a right one passes", async () => {
    const wrong = await client.get("/admin", { headers: { "x-api-key": "k-0123456789abcdeX" } });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ detail: "Invalid API key" });
    const short = await client.get("/admin", { headers: { "x-api-key": "k" } });
    expect(short.status).toBe(401);
    const right = await client.get("/admin", { headers: { "x-api-key": ADMIN_KEY } });
    expect(right.status).toBe(200);
    expect(right.json()).toEqual({ ok: true });
  });

  test("autoError: false gives undefined", async () => {
    expect((await client.get("/maybe")).json()).toEqual({ key: null });
  });

  test("describe where they are read for OpenAPI", () => {
    expect(header.security?.scheme).toEqual({ type: "apiKey", in: "header", name: "X-API-Key" });
    expect(query.security?.scheme).toEqual({ type: "apiKey", in: "query", name: "api_key" });
    expect(cookie.security?.scheme).toEqual({ type: "apiKey", in: "cookie", name: "session" });
    expect([header.security?.name, query.security?.name, cookie.security?.name]).toEqual([
      "APIKeyHeader",
      "APIKeyQuery",
      "APIKeyCookie",
    ]);
  });

  test("a key without a name is refused when it is made", () => {
    expect(() => new APIKeyHeader({ name: "" })).toThrow(
      'new APIKeyHeader({ name }): name the header that carries the key, e.g. { name: "X-API-Key" }.',
    );
  });
});
