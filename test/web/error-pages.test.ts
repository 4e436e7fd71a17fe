import { App, HTTPException, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";
import { BROWSER, capturingLogger, folderWith } from "./helpers.js";

const templates = folderWith({
  "index.html": "home",
  "broken.html": "<h1>Posts</h1>\n{% for post in posts %}\n  {{ post.title }\n{% endfor %}",
  "errors/404.html": "<h1>Lost? {{ status }} {{ title }}</h1><p>{{ detail }}</p>",
  "custom-403.html": "<h1>No entry: {{ detail }}</h1>",
});

function siteApp(options: ConstructorParameters<typeof App>[0] = {}) {
  const app = new App({ templates, secretKey: "k", ...options });
  app.get("/", ({ render }) => render("index.html"));
  app.get("/broken", ({ render }) => render("broken.html", { posts: [] }));
  app.get("/crash", () => {
    throw new TypeError("cannot read 'title' of undefined");
  });
  app.get("/teapot", () => {
    throw new HTTPException(418, "I'm a teapot <short & stout>", { "x-kettle": "yes" });
  });
  app.get("/private", () => {
    throw new HTTPException(403, "Members only");
  });
  app.get("/items/{id}", { params: { id: z.int() } }, ({ params }) => params.id);
  return app;
}

describe("error pages", () => {
  test("browsers get an HTML page, API clients JSON", async () => {
    const client = new TestClient(siteApp());
    const html = await client.get("/teapot", { headers: BROWSER });
    expect(html.status).toBe(418);
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html.headers.get("x-kettle")).toBe("yes");
    expect(html.text()).toContain("<h1>418 I&#39;m a Teapot</h1>");
    expect(html.text()).toContain("<p>I&#39;m a teapot &#60;short &#38; stout&#62;</p>");
    const json = await client.get("/teapot", { headers: { accept: "application/json" } });
    expect(json.json()).toEqual({ detail: "I'm a teapot <short & stout>" });
    const fetchDefault = await client.get("/teapot", { headers: { accept: "*/*" } });
    expect(fetchDefault.headers.get("content-type")).toBe("application/json");
  });

  test("errors/<status>.html in the templates folder is the page for that status", async () => {
    const client = new TestClient(siteApp());
    const res = await client.get("/nowhere", { headers: BROWSER });
    expect(res.status).toBe(404);
    expect(res.text()).toBe("<h1>Lost? 404 404 Not Found</h1><p>Not Found</p>");
  });

  test("errorPages picks a template per status", async () => {
    const client = new TestClient(siteApp({ errorPages: { 403: "custom-403.html" } }));
    const res = await client.get("/private", { headers: BROWSER });
    expect(res.status).toBe(403);
    expect(res.text()).toBe("<h1>No entry: Members only</h1>");
  });

  test("a 422 page lists the errors", async () => {
    const res = await new TestClient(siteApp()).get("/items/abc", { headers: BROWSER });
    expect(res.status).toBe(422);
    expect(res.text()).toContain("<code>path.id</code>: Input should be a valid integer");
  });

  test("in development an unhandled error shows the stack trace and the request, secrets hidden", async () => {
    const client = new TestClient(siteApp({ debug: true }));
    const res = await client.get("/crash?page=2", {
      headers: { ...BROWSER, cookie: "session=abc", authorization: "Bearer xyz" },
    });
    expect(res.status).toBe(500);
    const page = res.text();
    expect(page).toContain("<h1>TypeError</h1>");
    expect(page).toContain("cannot read &#39;title&#39; of undefined");
    expect(page).toContain("error-pages.test.ts");
    expect(page).toContain("<th>URL</th><td>/crash?page=2</td>");
    expect(page).toContain("<th>Route</th><td>GET /crash</td>");
    expect(page).toContain("<th>cookie</th><td>[hidden]</td>");
    expect(page).toContain("<th>authorization</th><td>[hidden]</td>");
    expect(page).not.toContain("xyz");
  });

  test("in production the page says only Internal Server Error", async () => {
    const { logger, lines } = capturingLogger();
    const client = new TestClient(siteApp({ debug: false, logger }));
    const res = await client.get("/crash", { headers: BROWSER });
    expect(res.status).toBe(500);
    expect(res.text()).toContain("<h1>500 Internal Server Error</h1>");
    expect(res.text()).not.toContain("TypeError");
    expect(res.text()).not.toContain("at ");
    expect(lines.some((l) => l.level === 50 && String(l.msg).includes("Unhandled error"))).toBe(
      true,
    );
  });

  test("a template syntax error in development: a page naming the template and the line", async () => {
    const res = await new TestClient(siteApp({ debug: true })).get("/broken", { headers: BROWSER });
    expect(res.status).toBe(500);
    const page = res.text();
    expect(page).toContain("<h1>TemplateError</h1>");
    expect(page).toContain("<h2>Template broken.html, line 3</h2>");
    expect(page).toContain('<span class="hit">   3    {{ post.title }</span>');
  });

  test("a template syntax error in production: a plain 500 page", async () => {
    const res = await new TestClient(siteApp({ debug: false })).get("/broken", {
      headers: BROWSER,
    });
    expect(res.status).toBe(500);
    expect(res.text()).toContain("<h1>500 Internal Server Error</h1>");
    expect(res.text()).not.toContain("broken.html");
  });

  test("API apps (no templates) answer browsers with JSON, unless errorPages is on", async () => {
    const api = new App();
    const plain = await new TestClient(api).get("/nope", { headers: BROWSER });
    expect(plain.json()).toEqual({ detail: "Not Found" });
    const withPages = new App({ errorPages: true });
    const page = await new TestClient(withPages).get("/nope", { headers: BROWSER });
    expect(page.text()).toContain("<h1>404 Not Found</h1>");
  });

  test("errorPages: false keeps JSON on a server-rendered app; exception handlers still win", async () => {
    const off = await new TestClient(siteApp({ errorPages: false })).get("/nope", {
      headers: BROWSER,
    });
    expect(off.json()).toEqual({ detail: "Not Found" });
    const app = siteApp();
    app.exceptionHandler(404, () => "custom");
    expect((await new TestClient(app).get("/nope", { headers: BROWSER })).text()).toBe("custom");
  });
});
