import { App, RedirectResponse, Router, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";
import { folderWith } from "./helpers.js";

describe("route names and urlFor", () => {
  test("a route is named by its handler or its `name` option", async () => {
    const app = new App();
    app.get("/", function index() {
      return "home";
    });
    app.get("/posts/{id}", { params: { id: z.int() }, name: "post" }, ({ params }) => params.id);
    expect(app.urlFor("index")).toBe("/");
    expect(app.urlFor("post", { id: 3 })).toBe("/posts/3");
    expect(app.routes.map((r) => r.name)).toEqual(["index", "post"]);
  });

  test("params the path does not use and `query` form the query string", () => {
    const app = new App();
    app.get("/posts/{id}", { name: "post" }, () => "");
    expect(app.urlFor("post", { id: 3, page: 2 }, { tag: ["a", "b"], skip: undefined })).toBe(
      "/posts/3?page=2&tag=a&tag=b",
    );
  });

  test("values are percent-encoded; a catch-all keeps its slashes", () => {
    const app = new App();
    app.get("/users/{name}", { name: "user" }, () => "");
    app.get("/files/{path:path}", { name: "file" }, () => "");
    expect(app.urlFor("user", { name: "a b/c?" })).toBe("/users/a%20b%2Fc%3F");
    expect(app.urlFor("file", { path: "docs/read me.txt" })).toBe("/files/docs/read%20me.txt");
  });

  test("two handlers with one name fail at startup, naming both routes", async () => {
    const app = new App();
    app.get("/a", { name: "same" }, () => "a");
    app.get("/b", { name: "same" }, () => "b");
    await expect(app.startup()).rejects.toThrow(
      "Routes GET /a and GET /b are both named 'same'. Route names must be unique",
    );
  });

  test("one handler on two paths is one name; urlFor picks the path whose params are given", () => {
    const app = new App();
    function posts() {
      return "";
    }
    app.get("/posts", posts);
    app.get("/users/{user}/posts", posts);
    expect(app.urlFor("posts")).toBe("/posts");
    expect(app.urlFor("posts", { user: "ann" })).toBe("/posts?user=ann");
  });

  test("an unknown name or a missing parameter is an error that says what exists", () => {
    const app = new App();
    app.get("/posts/{id}", { name: "post" }, () => "");
    expect(() => app.urlFor("posst")).toThrow(
      "urlFor('posst'): no route has this name. Known names: post.",
    );
    expect(() => app.urlFor("post")).toThrow(
      "urlFor('post'): missing path parameter 'id' for /posts/{id}.",
    );
  });

  test("a named router prefixes its routes' names, as a Flask blueprint", () => {
    const auth = new Router({ prefix: "/auth", name: "auth" });
    auth.get("/login", function login() {
      return "";
    });
    const admin = new Router({ prefix: "/admin", name: "admin" });
    admin.include(auth);
    const app = new App();
    app.include(auth);
    app.include(admin);
    expect(app.urlFor("auth.login")).toBe("/auth/login");
    expect(app.urlFor("admin.auth.login")).toBe("/admin/auth/login");
  });

  test("ctx.urlFor and RedirectResponse to a route name", async () => {
    const app = new App();
    app.get("/posts/{id}", { name: "post" }, ({ params, urlFor }) => ({
      self: urlFor("post", { id: params.id }),
    }));
    app.post(
      "/posts",
      () => new RedirectResponse({ route: "post", params: { id: 7 } }, { status: 303 }),
    );
    const client = new TestClient(app);
    const res = await client.post("/posts", { followRedirects: false });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/posts/7");
    const followed = await client.post("/posts");
    expect(followed.json()).toEqual({ self: "/posts/7" });
  });

  test("url_for in templates takes Jinja2 keyword arguments, _anchor and _external", async () => {
    const templates = folderWith({
      "links.html":
        "{{ url_for('post', id=3) }}|{{ url_for('post', id=3, page=2) }}|" +
        "{{ url_for('post', id=3, _anchor='comments') }}|{{ url_for('index', _external=True) }}|" +
        "{{ urlFor('post', { id: 4 }, { page: 1 }) }}",
    });
    const app = new App({ templates });
    app.get("/", function index({ render }) {
      return render("links.html");
    });
    app.get("/posts/{id}", { name: "post" }, () => "");
    const res = await new TestClient(app).get("/", { headers: { host: "blog.test" } });
    expect(res.text()).toBe(
      "/posts/3|/posts/3?page=2|/posts/3#comments|http://blog.test/|/posts/4?page=1",
    );
  });

  test("a mounted app's links, redirects and templates stay under its mount; rootPath too", async () => {
    const templates = folderWith({ "link.html": "{{ url_for('post', id=2, _external=True) }}" });
    const blog = new App({ templates });
    blog.get("/posts/{id}", { name: "post" }, ({ params, urlFor }) => ({
      self: urlFor("post", { id: params.id }),
    }));
    blog.post("/posts", () => new RedirectResponse({ route: "post", params: { id: 7 } }));
    blog.get("/link", ({ render }) => render("link.html"));
    const site = new App();
    site.mount("/blog", blog);
    const client = new TestClient(site);

    expect((await client.get("/blog/posts/3")).json()).toEqual({ self: "/blog/posts/3" });
    const redirected = await client.post("/blog/posts", { followRedirects: false });
    expect(redirected.headers.get("location")).toBe("/blog/posts/7");
    const link = await client.get("/blog/link", { headers: { host: "site.test" } });
    expect(link.text()).toBe("http://site.test/blog/posts/2");
    // Outside a request there is no mount: app.urlFor stays relative to the app.
    expect(blog.urlFor("post", { id: 1 })).toBe("/posts/1");

    // Behind a proxy that strips /api (rootPath), generated URLs put it back.
    const api = new App({ rootPath: "/api" });
    api.get("/items/{id}", { name: "item" }, ({ urlFor }) => urlFor("item", { id: 5 }));
    expect((await new TestClient(api).get("/items/5")).text()).toBe("/api/items/5");
  });
});
