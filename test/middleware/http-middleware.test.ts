import { brotliDecompressSync, gunzipSync } from "node:zlib";
import {
  App,
  compression,
  concurrencyLimit,
  DEFAULT_SECURITY_HEADERS,
  FileResponse,
  httpsRedirect,
  StreamingResponse,
  securityHeaders,
  trustedHost,
} from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

describe("trustedHost", () => {
  const app = new App();
  app.use(trustedHost({ allowedHosts: ["example.com", "*.example.org"] }));
  app.get("/", () => "hi");
  const client = new TestClient(app);

  test.each(["example.com", "example.com:8080", "api.example.org", "a.b.example.org"])(
    "allows %s",
    async (host) => {
      expect((await client.get("/", { headers: { host } })).status).toBe(200);
    },
  );

  test.each(["evil.com", "example.com.evil.com", "example.org", "notexample.com"])(
    "refuses %s with 400",
    async (host) => {
      const res = await client.get("/", { headers: { host } });
      expect([res.status, res.text()]).toEqual([400, "Invalid host header"]);
    },
  );

  test("follows X-Forwarded-Host only from a trusted proxy", async () => {
    const trusting = new App({ trustProxy: true });
    trusting.use(trustedHost({ allowedHosts: ["example.com"] }));
    trusting.get("/", () => "hi");
    const c = new TestClient(trusting);
    expect(
      (await c.get("/", { headers: { host: "internal:8000", "x-forwarded-host": "example.com" } }))
        .status,
    ).toBe(200);
    expect(
      (
        await client.get("/", {
          headers: { host: "internal:8000", "x-forwarded-host": "example.com" },
        })
      ).status,
    ).toBe(400);
  });

  test("bad patterns fail at startup", () => {
    expect(() => trustedHost({ allowedHosts: [] })).toThrow(/empty/);
    expect(() => trustedHost({ allowedHosts: ["ex*ample.com"] })).toThrow(/not a valid pattern/);
  });
});

describe("httpsRedirect", () => {
  test("redirects http to https with 307, path and query kept; https passes", async () => {
    const app = new App({ trustProxy: "loopback" });
    app.use(httpsRedirect());
    app.post("/pay", () => "paid");
    const client = new TestClient(app, { followRedirects: false });
    const res = await client.post("/pay?x=1", { headers: { host: "shop.example.com" } });
    expect([res.status, res.headers.get("location")]).toEqual([
      307,
      "https://shop.example.com/pay?x=1",
    ]);
    const proxied = await client.post("/pay", {
      headers: { host: "shop.example.com", "x-forwarded-proto": "https" },
    });
    expect(proxied.text()).toBe("paid");
  });
});

describe("securityHeaders", () => {
  test("adds helmet's defaults, keeps what the route set, takes overrides and removals", async () => {
    const app = new App();
    app.use(securityHeaders({ "x-frame-options": "DENY", "content-security-policy": false }));
    app.get("/", ({ response }) => {
      response.headers.set("referrer-policy", "same-origin");
      return "hi";
    });
    const res = await new TestClient(app).get("/");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("x-content-type-options")).toBe(
      DEFAULT_SECURITY_HEADERS["x-content-type-options"],
    );
    expect(res.headers.get("strict-transport-security")).toBe(
      "max-age=31536000; includeSubDomains",
    );
  });
});

describe("compression", () => {
  const big = {
    items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item number ${i}` })),
  };
  const app = new App();
  app.use(compression({ minimumSize: 500 }));
  app.get("/big", () => big);
  app.get("/small", () => ({ ok: true }));
  app.get("/png", () => new FileResponse("package.json", { mediaType: "image/png" }));
  app.get("/stream", () => new StreamingResponse(["a".repeat(1000)], { mediaType: "text/plain" }));
  const client = new TestClient(app);

  test("brotli when accepted, gzip otherwise; the body round-trips", async () => {
    const br = await client.get("/big", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(big);
    expect(Number(br.headers.get("content-length"))).toBe(br.body.length);
    const gz = await client.get("/big", { headers: { "accept-encoding": "gzip" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(JSON.parse(gunzipSync(gz.body).toString())).toEqual(big);
  });

  test("small bodies, refused encodings, files and streams are sent as they are", async () => {
    expect(
      (await client.get("/small", { headers: { "accept-encoding": "br" } })).headers.get(
        "content-encoding",
      ),
    ).toBeNull();
    expect(
      (
        await client.get("/big", { headers: { "accept-encoding": "br;q=0, gzip;q=0" } })
      ).headers.get("content-encoding"),
    ).toBeNull();
    expect((await client.get("/big")).headers.get("content-encoding")).toBeNull();
    expect(
      (await client.get("/png", { headers: { "accept-encoding": "br" } })).headers.get(
        "content-encoding",
      ),
    ).toBeNull();
    const stream = await client.get("/stream", { headers: { "accept-encoding": "br" } });
    expect([stream.headers.get("content-encoding"), stream.text().length]).toEqual([null, 1000]);
  });
});

describe("concurrencyLimit", () => {
  test("past the limit: 503 with Retry-After, and service resumes when requests finish", async () => {
    const app = new App();
    app.use(concurrencyLimit({ max: 2, retryAfter: 3 }));
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    app.get("/slow", async () => {
      await gate;
      return "done";
    });
    const client = new TestClient(app);
    const first = [client.get("/slow"), client.get("/slow")];
    await new Promise((r) => setTimeout(r, 20));
    const refused = await client.get("/slow");
    expect([refused.status, refused.headers.get("retry-after"), refused.json()]).toEqual([
      503,
      "3",
      { detail: "Service Unavailable" },
    ]);
    release();
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
    expect((await client.get("/slow")).status).toBe(200);
  });

  test("while the event loop lags past maxEventLoopDelay: 503, then service resumes", async () => {
    const app = new App();
    app.use(concurrencyLimit({ maxEventLoopDelay: 30 }));
    app.get("/", () => "ok");
    const client = new TestClient(app);
    expect((await client.get("/")).status).toBe(200);
    const until = performance.now() + 200;
    while (performance.now() < until); // block the event loop, as CPU-bound overload does
    await new Promise((r) => setTimeout(r, 1)); // let the sampling timer see the delay
    expect((await client.get("/")).status).toBe(503);
    await new Promise((r) => setTimeout(r, 150));
    expect((await client.get("/")).status).toBe(200);
  });

  test("a bad limit fails at startup", () => {
    expect(() => concurrencyLimit({ max: 0 })).toThrow(/positive integer/);
    expect(() => concurrencyLimit({})).toThrow(/max.*maxEventLoopDelay/);
  });
});
