import { App, depends, HTTPException, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

/** The JSON a page embeds in its inline script. */
function embedded(html: string, pattern: RegExp): unknown {
  const match = pattern.exec(html);
  if (!match) throw new Error(`no ${pattern} in the page`);
  return JSON.parse(match[1]!);
}

describe("the served pages", () => {
  test("/docs is Swagger UI on this server's assets, FastAPI's defaults, no validator", async () => {
    const app = new App({ title: "Users API" });
    const res = await new TestClient(app).get("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = res.text();
    expect(html).toContain("<title>Users API - Swagger UI</title>");
    expect(html).toMatch(/<script src="\/docs\/swagger-ui-bundle\.js\?v=[\d.]+"><\/script>/);
    expect(html).toMatch(/<link rel="stylesheet" href="\/docs\/swagger-ui\.css\?v=[\d.]+">/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(embedded(html, /const config = (.*);/)).toEqual({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      layout: "BaseLayout",
      deepLinking: true,
      showExtensions: true,
      showCommonExtensions: true,
      validatorUrl: null,
    });
    expect(html).toContain('window.location.origin + "/docs/oauth2-redirect"');
  });

  test("swaggerUiParameters pass through over the defaults", async () => {
    const app = new App({
      swaggerUiParameters: { deepLinking: false, persistAuthorization: true, docExpansion: "none" },
    });
    const html = (await new TestClient(app).get("/docs")).text();
    expect(embedded(html, /const config = (.*);/)).toMatchObject({
      deepLinking: false,
      persistAuthorization: true,
      docExpansion: "none",
      url: "/openapi.json",
    });
  });

  test("/redoc is ReDoc on this server's bundle, with redocOptions", async () => {
    const app = new App({ title: "Users API", redocOptions: { hideDownloadButton: true } });
    const res = await new TestClient(app).get("/redoc");
    expect(res.status).toBe(200);
    const html = res.text();
    expect(html).toContain("<title>Users API - ReDoc</title>");
    expect(html).toMatch(/<script src="\/redoc\/redoc\.standalone\.js\?v=[\d.]+"><\/script>/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain(
      'Redoc.init("/openapi.json", {"hideDownloadButton":true}, document.getElementById("redoc"));',
    );
  });

  test("a title cannot break out of the page; options cannot close the script", async () => {
    const app = new App({
      title: '<script>alert("x")</script>',
      swaggerUiParameters: { note: "</script><script>alert(1)</script>" },
    });
    const html = (await new TestClient(app).get("/docs")).text();
    expect(html).toContain(
      "<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; - Swagger UI</title>",
    );
    expect(html).not.toContain("</script><script>alert(1)");
    expect(embedded(html, /const config = (.*);/)).toMatchObject({
      note: "</script><script>alert(1)</script>",
    });
  });

  test("the docs routes are neither in the document nor in app.routes", () => {
    const app = new App();
    app.get("/users", () => []);
    expect(Object.keys(app.openapi().paths)).toEqual(["/users"]);
    expect(app.routes.map((r) => r.path)).toEqual(["/users"]);
  });
});

describe("assets", () => {
  test("served from node_modules with a year of caching, an ETag, gzip when accepted", async () => {
    const client = new TestClient(new App());
    const plain = await client.get("/docs/swagger-ui-bundle.js");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.text()).toContain("SwaggerUIBundle");
    const etag = plain.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);

    const gzipped = await client.get("/docs/swagger-ui-bundle.js", {
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gzipped.headers.get("vary")).toBe("accept-encoding");

    const again = await client.get("/docs/swagger-ui-bundle.js", {
      headers: { "if-none-match": etag },
    });
    expect(again.status).toBe(304);
    expect(again.text()).toBe("");
  });

  test("every asset the pages load answers", async () => {
    const client = new TestClient(new App());
    const expected: Record<string, string> = {
      "/docs/swagger-ui.css": "text/css; charset=utf-8",
      "/docs/favicon-32x32.png": "image/png",
      "/docs/oauth2-redirect": "text/html; charset=utf-8",
      "/docs/oauth2-redirect.js": "text/javascript; charset=utf-8",
      "/redoc/redoc.standalone.js": "text/javascript; charset=utf-8",
    };
    for (const [url, type] of Object.entries(expected)) {
      const res = await client.get(url);
      expect([url, res.status, res.headers.get("content-type")]).toEqual([url, 200, type]);
    }
    const redoc = (await client.get("/redoc/redoc.standalone.js")).text();
    expect(redoc).toContain("Redoc");
    // The one file the bundle would fetch from outside (its menu's logo) is not referenced.
    expect(redoc).not.toContain("cdn.redoc.ly");
  });
});

describe("URLs", () => {
  test("each URL can be moved", async () => {
    const app = new App({
      openapiUrl: "/api/schema.json",
      docsUrl: "/api/docs",
      redocUrl: "/api/ref",
    });
    const client = new TestClient(app);
    expect((await client.get("/api/schema.json")).json().openapi).toBe("3.1.0");
    const docs = (await client.get("/api/docs")).text();
    expect(embedded(docs, /const config = (.*);/)).toMatchObject({ url: "/api/schema.json" });
    expect(docs).toContain('src="/api/docs/swagger-ui-bundle.js');
    expect((await client.get("/api/docs/swagger-ui.css")).status).toBe(200);
    const redoc = (await client.get("/api/ref")).text();
    expect(redoc).toContain('Redoc.init("/api/schema.json"');
    expect((await client.get("/api/ref/redoc.standalone.js")).status).toBe(200);
    for (const old of ["/openapi.json", "/docs", "/redoc"])
      expect((await client.get(old)).status).toBe(404);
  });

  test("null disables one; without the document, no pages at all (as FastAPI)", async () => {
    const noDocs = new TestClient(new App({ docsUrl: null }));
    expect((await noDocs.get("/docs")).status).toBe(404);
    expect((await noDocs.get("/docs/swagger-ui.css")).status).toBe(404);
    expect((await noDocs.get("/redoc")).status).toBe(200);
    expect((await noDocs.get("/openapi.json")).status).toBe(200);

    const noRedoc = new TestClient(new App({ redocUrl: null }));
    expect((await noRedoc.get("/redoc")).status).toBe(404);
    expect((await noRedoc.get("/docs")).status).toBe(200);

    const none = new App({ openapiUrl: null });
    const client = new TestClient(none);
    for (const url of ["/openapi.json", "/docs", "/redoc"])
      expect((await client.get(url)).status).toBe(404);
    // The document can still be asked for in code.
    expect(none.openapi().openapi).toBe("3.1.0");
  });

  test("a URL that is not a path is refused at construction", () => {
    expect(() => new App({ docsUrl: "docs" })).toThrow(
      "App option `docsUrl`: 'docs' is not a path. Give a path such as '/docs', or null to disable it.",
    );
    expect(() => new App({ openapiUrl: "/openapi.json?x=1" })).toThrow(/`openapiUrl`/);
    expect(() => new App({ redocUrl: "/redoc/{x}" })).toThrow(/`redocUrl`/);
  });

  test("a user route on a docs URL is a startup error naming the route and the option", async () => {
    const app = new App();
    app.get("/docs", () => "mine");
    await expect(app.startup()).rejects.toThrow(
      "Route GET /docs takes a URL of the API docs. Move the route, or set `docsUrl` to another path (or null) in the App options.",
    );
    const other = new App();
    other.get("/openapi.json", () => ({}));
    await expect(other.startup()).rejects.toThrow(/`openapiUrl` to another path/);
    const asset = new App();
    asset.get("/redoc/redoc.standalone.js", () => "");
    await expect(asset.startup()).rejects.toThrow(/`redocUrl` to another path/);
  });

  test("a user route on a docs URL is fine once that page is moved or disabled", async () => {
    const app = new App({ docsUrl: null });
    app.get("/docs", () => "mine");
    expect((await new TestClient(app).get("/docs")).text()).toBe("mine");
    const post = new App();
    post.post("/docs", () => "posted");
    expect((await new TestClient(post).post("/docs")).text()).toBe("posted");
  });
});

describe("around the docs routes", () => {
  test("app middleware runs for them; app-level deps do not (FastAPI's docs are not routes of the API)", async () => {
    const requireKey = depends({ headers: { x_key: z.string().optional() } }, ({ headers }) => {
      if (headers.x_key !== "k") throw new HTTPException(401, "Not authenticated");
    });
    const app = new App({ deps: [requireKey] });
    app.use(async (_ctx, next) => {
      const res = await next();
      res.headers.set("x-seen", "1");
      return res;
    });
    app.get("/data", () => 1);
    const client = new TestClient(app);
    expect((await client.get("/data")).status).toBe(401);
    const docs = await client.get("/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers.get("x-seen")).toBe("1");
    expect((await client.get("/openapi.json")).status).toBe(200);
  });

  test("HEAD answers for the pages", async () => {
    const res = await new TestClient(new App()).head("/docs");
    expect(res.status).toBe(200);
    expect(res.text()).toBe("");
  });
});

describe("behind a proxy and mounted", () => {
  test("rootPath: servers and the pages' URLs carry the prefix", async () => {
    const app = new App({ rootPath: "/api/v1" });
    app.get("/items", () => []);
    const client = new TestClient(app);
    expect((await client.get("/openapi.json")).json().servers).toEqual([{ url: "/api/v1" }]);
    const docs = (await client.get("/docs")).text();
    expect(embedded(docs, /const config = (.*);/)).toMatchObject({ url: "/api/v1/openapi.json" });
    expect(docs).toContain('src="/api/v1/docs/swagger-ui-bundle.js');
    expect((await client.get("/redoc")).text()).toContain('Redoc.init("/api/v1/openapi.json"');
  });

  test("a mounted app keeps its own document, with the mount prefix as its server", async () => {
    const v1 = new App({ title: "V1" });
    v1.get("/items", function list_items() {
      return ["a"];
    });
    const app = new App({ title: "Main" });
    app.get("/health", () => "ok");
    app.mount("/v1", v1);
    const client = new TestClient(app);
    const main = (await client.get("/openapi.json")).json();
    expect(Object.keys(main.paths)).toEqual(["/health"]);
    expect(main.servers).toEqual([{ url: "/" }]);
    const sub = (await client.get("/v1/openapi.json")).json();
    expect(sub.info.title).toBe("V1");
    expect(Object.keys(sub.paths)).toEqual(["/items"]);
    expect(sub.servers).toEqual([{ url: "/v1" }]);
    const docs = (await client.get("/v1/docs")).text();
    expect(embedded(docs, /const config = (.*);/)).toMatchObject({ url: "/v1/openapi.json" });
    expect(docs).toContain('src="/v1/docs/swagger-ui-bundle.js');
    expect((await client.get("/v1/docs/swagger-ui.css")).status).toBe(200);
    expect((await client.get("/v1/redoc")).text()).toContain('Redoc.init("/v1/openapi.json"');
    // The mounted app's own document, asked for in code, is for where it is served alone.
    expect(v1.openapi().servers).toEqual([{ url: "/" }]);
  });

  test("mounted under a parent behind a proxy: both prefixes", async () => {
    const v1 = new App();
    v1.get("/items", () => []);
    const app = new App({ rootPath: "/proxy" });
    app.mount("/v1", v1);
    const sub = (await new TestClient(app).get("/v1/openapi.json")).json();
    expect(sub.servers).toEqual([{ url: "/proxy/v1" }]);
  });
});

describe("listen", () => {
  test("the log names the docs pages", async () => {
    const lines: string[] = [];
    const logger = {
      level: "info",
      info: (...args: unknown[]) => lines.push(String(args.at(-1))),
      warn: () => undefined,
      error: () => undefined,
      debug: () => undefined,
      child: () => logger,
    };
    const app = new App({ logger: logger as never });
    const server = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const { port } = server.address() as { port: number };
      const base = `http://127.0.0.1:${port}`;
      expect(lines).toEqual([
        `Vial running on ${base}`,
        `API docs: ${base}/docs and ${base}/redoc`,
      ]);
      expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
