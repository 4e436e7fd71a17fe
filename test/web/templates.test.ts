import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { App, HTMLResponse, TemplateError, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";
import { folderWith } from "./helpers.js";

const folder = folderWith({
  "base.html":
    "<title>{% block title %}{% endblock %} - Site</title><main>{% block content %}{% endblock %}</main>",
  "page.html":
    '{% extends "base.html" %}{% from "macros.html" import badge %}' +
    "{% block title %}{{ title }}{% endblock %}{% block content %}{{ body }} {{ badge(tag) }}{% endblock %}",
  "macros.html": '{% macro badge(text) %}<b class="badge">{{ text }}</b>{% endmacro %}',
  "note.txt": "Hello {{ name }}",
  "feed.xml": "<title>{{ title }}</title>",
  "jinja.html":
    "{% if flag == True and missing is undefined %}yes{% endif %}|" +
    "{% for key, value in data.items() %}{{ key }}={{ value }};{% endfor %}|{{ data.get('b', 0) }}|" +
    "{{ items[1:] | join(',') }}|{{ None is none }}",
  "filters.html":
    "{{ name | shout }}|{{ site }}|{{ user }}|{{ data | tojson }}|{{ when | strftime('%Y-%m-%d %H:%M') }}",
  "context.html": "{{ request.method }} {{ request.path }}|{{ g.user }}|{{ request.form.title }}",
  "flashes.html":
    "{% for category, message in get_flashed_messages(with_categories=true) %}[{{ category }}:{{ message }}]{% endfor %}",
  "broken.html": "line one\n{% if x %}\n  {{ x }\n{% endif %}",
  "filter-throws.html": "{{ 1 | explode }}",
  "includes-missing.html": '{% include "nowhere.html" %}',
});

function app(options: ConstructorParameters<typeof App>[0] = {}) {
  return new App({ templates: folder, ...options });
}

describe("templates", () => {
  test("render gives an HTML response; inheritance, blocks and macros work; HTML is escaped", async () => {
    const a = app();
    a.get("/", ({ render }) =>
      render("page.html", { title: "Home", body: "<script>x</script>", tag: "new" }),
    );
    const res = await new TestClient(a).get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.text()).toBe(
      '<title>Home - Site</title><main>&lt;script&gt;x&lt;/script&gt; <b class="badge">new</b></main>',
    );
  });

  test("render returns an HTMLResponse; status and headers can be given", async () => {
    const a = app();
    a.get("/", ({ render }) => {
      const response = render(
        "note.txt",
        { name: "<b>" },
        { status: 201, headers: { "x-a": "1" } },
      );
      expect(response).toBeInstanceOf(HTMLResponse);
      return response;
    });
    const res = await new TestClient(a).get("/");
    expect(res.status).toBe(201);
    expect(res.headers.get("x-a")).toBe("1");
    // Only .html, .htm, .xml, .xhtml and .svg are autoescaped, as in Flask.
    expect(res.text()).toBe("Hello <b>");
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  test("XML templates are escaped and sent as XML", async () => {
    const a = app();
    a.get("/feed", ({ render }) => render("feed.xml", { title: "A & B" }));
    const res = await new TestClient(a).get("/feed");
    expect(res.text()).toBe("<title>A &amp; B</title>");
    expect(res.headers.get("content-type")).toBe("application/xml");
  });

  test("Jinja2's Python-isms work: True/None, dict.items(), .get(), slices", async () => {
    const a = app();
    a.get("/", ({ render }) =>
      render("jinja.html", { flag: true, data: { a: 1, b: 2 }, items: [1, 2, 3] }),
    );
    expect((await new TestClient(a).get("/")).text()).toBe("yes|a=1;b=2;|2|2,3|true");
  });

  test("custom filters and globals, built-in tojson and strftime, context processors", async () => {
    const a = app({ templates: { folder, globals: { site: "Flaskr" } } });
    a.templateFilter("shout", (text: string) => `${text.toUpperCase()}!`);
    a.contextProcessor(({ state }) => ({ user: state.user ?? "guest" }));
    a.use(async (ctx, next) => {
      ctx.state.user = "ann";
      return next();
    });
    a.get("/", ({ render }) =>
      render("filters.html", {
        name: "hi",
        data: { html: "</script><b>" },
        when: "2026-11-25 09:05:00",
      }),
    );
    expect((await new TestClient(a).get("/")).text()).toBe(
      'HI!|Flaskr|ann|{"html":"\\u003c/script\\u003e\\u003cb\\u003e"}|2026-11-25 09:05',
    );
  });

  test("templates see request (with request.form), g (ctx.state), as in Flask", async () => {
    const a = app();
    a.post("/posts", { form: { title: z.string() } }, ({ render, state }) => {
      state.user = "bob";
      return render("context.html");
    });
    const res = await new TestClient(a).post("/posts", { form: { title: "Draft" } });
    expect(res.text()).toBe("POST /posts|bob|Draft");
  });

  test("get_flashed_messages in templates reads the session once", async () => {
    const a = app({ secretKey: "k", csrf: false });
    a.post("/", ({ session }) => {
      session.flash("Saved.");
      session.flash("Oops", "error");
    });
    a.get("/", ({ render }) => render("flashes.html"));
    const client = new TestClient(a);
    await client.post("/");
    expect((await client.get("/")).text()).toBe("[message:Saved.][error:Oops]");
    expect((await client.get("/")).text()).toBe("");
  });

  test("a syntax error names the template and the line", async () => {
    const a = app();
    a.get("/", ({ render }) => render("broken.html", { x: 1 }));
    const client = new TestClient(a, { raiseServerExceptions: true });
    const error = await client.get("/").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).template).toBe("broken.html");
    expect((error as TemplateError).line).toBe(3);
    expect((error as TemplateError).message).toMatch(/in broken\.html, line 3/);
  });

  test("a failing filter and a missing include are template errors naming the template", async () => {
    const a = app();
    a.templateFilter("explode", () => {
      throw new Error("boom");
    });
    a.get("/filter", ({ render }) => render("filter-throws.html"));
    a.get("/include", ({ render }) => render("includes-missing.html"));
    a.get("/missing", ({ render }) => render("nope.html"));
    const client = new TestClient(a, { raiseServerExceptions: true });
    await expect(client.get("/filter")).rejects.toThrow(/boom in filter-throws\.html/);
    await expect(client.get("/include")).rejects.toThrow("Template 'nowhere.html' not found in");
    await expect(client.get("/missing")).rejects.toThrow(
      /Template 'nope\.html' not found in .*vial-web-test-/,
    );
  });

  test("template names cannot leave the folder", async () => {
    const a = app();
    a.get("/", ({ render }) => render("../../etc/passwd"));
    const client = new TestClient(a, { raiseServerExceptions: true });
    await expect(client.get("/")).rejects.toThrow("Template '../../etc/passwd' not found");
  });

  test("render without a templates folder says how to add one", async () => {
    const a = new App();
    a.get("/", ({ render }) => render("index.html"));
    await expect(new TestClient(a, { raiseServerExceptions: true }).get("/")).rejects.toThrow(
      "render('index.html'): this app has no templates folder. Create one and pass it: new App({ templates: \"templates\" })",
    );
    expect(() => a.templateFilter("x", String)).toThrow(
      "app.templateFilter(): this app has no templates",
    );
  });
});

describe("template reloading", () => {
  const live = folderWith({ "live.html": "version 1" });
  const touch = (text: string, seconds: number) => {
    writeFileSync(join(live, "live.html"), text);
    utimesSync(join(live, "live.html"), seconds, seconds);
  };

  test("in development, a changed template is re-read on the next render", async () => {
    const a = new App({ templates: live, debug: true });
    a.get("/", ({ render }) => render("live.html"));
    const client = new TestClient(a);
    touch("version 1", 1_000_000);
    expect((await client.get("/")).text()).toBe("version 1");
    touch("version 2", 2_000_000);
    expect((await client.get("/")).text()).toBe("version 2");
  });

  test("in production, compiled templates are cached", async () => {
    const a = new App({ templates: live, debug: false });
    a.get("/", ({ render }) => render("live.html"));
    const client = new TestClient(a);
    touch("cached 1", 3_000_000);
    expect((await client.get("/")).text()).toBe("cached 1");
    touch("cached 2", 4_000_000);
    expect((await client.get("/")).text()).toBe("cached 1");
  });
});

test("a templates folder that does not exist fails when the app is made", () => {
  expect(() => new App({ templates: "no/such/folder" })).toThrow(
    "templates: the folder 'no/such/folder' does not exist",
  );
});
