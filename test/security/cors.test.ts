import { App, ConfigurationError, cors } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

const SITE = "https://app.example.com";

function makeApp(options: Parameters<typeof cors>[0]) {
  const app = new App();
  const calls: string[] = [];
  app.use(cors(options));
  app.get("/items", ({ response }) => {
    calls.push("GET /items");
    response.headers.set("x-total", "3");
    return [1, 2, 3];
  });
  app.post("/items", () => {
    calls.push("POST /items");
    return { ok: true };
  });
  app.options("/with-options", () => {
    calls.push("OPTIONS /with-options");
    return "own options";
  });
  return { app, calls, client: new TestClient(app) };
}

const preflight = (origin: string, method = "POST", headers?: string) => ({
  headers: {
    origin,
    "access-control-request-method": method,
    ...(headers ? { "access-control-request-headers": headers } : {}),
  },
});

const corsHeaders = (headers: Headers) =>
  [...headers.keys()].filter((name) => name.startsWith("access-control-"));

describe("cors() preflights", () => {
  test("an allowed origin's preflight is answered without reaching a handler", async () => {
    const { client, calls } = makeApp({ origins: [SITE], credentials: true, maxAge: 300 });
    const res = await client.options("/items", preflight(SITE, "POST", "Content-Type, X-Token"));
    expect(res.status).toBe(200);
    expect(res.text()).toBe("OK");
    expect(res.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")).toBe(
      "GET, HEAD, POST, PUT, PATCH, DELETE",
    );
    expect(res.headers.get("access-control-allow-headers")).toBe("content-type, x-token");
    expect(res.headers.get("access-control-max-age")).toBe("300");
    expect(res.headers.get("vary")).toBe("Origin");
    expect(calls).toEqual([]);
  });

  test("a preflight is answered on a path with no OPTIONS route, and on one with its own", async () => {
    const { client, calls } = makeApp({ origins: [SITE] });
    const res = await client.options("/items", preflight(SITE));
    expect(res.status).toBe(200);
    const own = await client.options("/with-options", preflight(SITE));
    expect(own.status).toBe(200);
    expect(own.text()).toBe("OK");
    expect(calls).toEqual([]);
  });

  test("a preflight from a disallowed origin gets 400 and no Access-Control-Allow-* headers", async () => {
    const { client, calls } = makeApp({ origins: [SITE], credentials: true });
    const res = await client.options("/items", preflight("https://evil.example"));
    expect(res.status).toBe(400);
    expect(res.text()).toBe("Disallowed CORS origin");
    expect(corsHeaders(res.headers)).toEqual([]);
    expect(calls).toEqual([]);
  });

  test("a disallowed method or header is refused", async () => {
    const { client } = makeApp({ origins: [SITE], methods: ["GET"], headers: ["x-token"] });
    const method = await client.options("/items", preflight(SITE, "DELETE"));
    expect(method.status).toBe(400);
    expect(method.text()).toBe("Disallowed CORS method");
    expect(corsHeaders(method.headers)).toEqual([]);
    const header = await client.options("/items", preflight(SITE, "GET", "x-other"));
    expect(header.status).toBe(400);
    expect(header.text()).toBe("Disallowed CORS headers");
    const ok = await client.options("/items", preflight(SITE, "GET", "X-Token, Content-Type"));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-headers")).toBe(
      "accept, accept-language, content-language, content-type, x-token",
    );
  });

  test("an OPTIONS request that is not a preflight reaches the route", async () => {
    const { client, calls } = makeApp({ origins: [SITE] });
    const res = await client.options("/with-options", { headers: { origin: SITE } });
    expect(res.text()).toBe("own options");
    expect(calls).toEqual(["OPTIONS /with-options"]);
  });
});

describe("cors() on other requests", () => {
  test("an allowed origin gets Allow-Origin, credentials, exposed headers and Vary", async () => {
    const { client } = makeApp({ origins: [SITE], credentials: true, exposeHeaders: ["x-total"] });
    const res = await client.get("/items", { headers: { origin: SITE } });
    expect(res.json()).toEqual([1, 2, 3]);
    expect(res.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-expose-headers")).toBe("x-total");
    expect(res.headers.get("vary")).toBe("Origin");
  });

  test("a disallowed origin gets the response without CORS headers", async () => {
    const { client } = makeApp({ origins: [SITE] });
    const res = await client.get("/items", { headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(200);
    expect(corsHeaders(res.headers)).toEqual([]);
    expect(res.headers.get("vary")).toBe("Origin");
  });

  test("a request without Origin is left alone", async () => {
    const { client } = makeApp({ origins: [SITE] });
    const res = await client.get("/items");
    expect(corsHeaders(res.headers)).toEqual([]);
    expect(res.headers.get("vary")).toBeNull();
  });

  test('origins: "*" answers * without credentials', async () => {
    const { client } = makeApp({ origins: "*" });
    const res = await client.get("/items", { headers: { origin: "https://any.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("vary")).toBeNull();
    const pre = await client.options("/items", preflight("https://any.example"));
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
  });

  test("origins as a RegExp must match the whole origin", async () => {
    const { client } = makeApp({ origins: /https:\/\/[a-z]+\.example\.com/ });
    const ok = await client.get("/items", { headers: { origin: "https://shop.example.com" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://shop.example.com");
    const tricked = await client.get("/items", {
      headers: { origin: "https://shop.example.com.evil.net" },
    });
    expect(tricked.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("origins as a function decides per origin, and may be async", async () => {
    const { client } = makeApp({
      origins: async (origin) => origin.endsWith(".trusted.test"),
      credentials: true,
    });
    const ok = await client.get("/items", { headers: { origin: "http://a.trusted.test" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://a.trusted.test");
    const no = await client.options("/items", preflight("http://a.other.test"));
    expect(no.status).toBe(400);
  });

  test("error responses (404, 405) get CORS headers too", async () => {
    const { client } = makeApp({ origins: [SITE] });
    const missing = await client.get("/nope", { headers: { origin: SITE } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("access-control-allow-origin")).toBe(SITE);
  });
});

describe("cors() configuration", () => {
  test('origins: "*" with credentials: true is refused, explaining why', () => {
    expect(() => cors({ origins: "*", credentials: true })).toThrow(ConfigurationError);
    expect(() => cors({ origins: "*", credentials: true })).toThrow(
      /browsers reject `Access-Control-Allow-Origin: \*` on requests with credentials/,
    );
  });

  test("an origin with a path or trailing slash is refused with the fix", () => {
    expect(() => cors({ origins: ["https://app.example.com/"] })).toThrow(
      "cors(): 'https://app.example.com/' is not an origin. An origin is scheme://host[:port] with no path or trailing slash",
    );
  });

  test("origins is required", () => {
    expect(() => cors({} as never)).toThrow("cors(): `origins` is required");
  });
});
